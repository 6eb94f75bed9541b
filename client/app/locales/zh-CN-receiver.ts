/**
 * Chinese templates of the course's receiver (`recv.…`: read size, read delay, manual `recv(n)`,
 * its pending state and what it returned or raised — shared by the lab and the workspace) and of
 * the whole-message view (`whole.…`), in the format of `zh-CN.ts`, which spreads them in.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** id → Chinese template. */
export const receiverTemplates: LocaleModule['templates'] = {
  'recv.readDelay': '每隔多少毫秒才读一次',
  'recv.manual': '手动：只有按下 recv(n) 时才读取',
  'recv.recvN': '每次读取的字节数 n',
  'recv.recvNHint': '一次读取最多取多少字节，即 recv(n) 的 n；65536 就是网关本来一次读取的大小',
  'recv.mode': 'recv() 的等待方式',
  'recv.blocking': '阻塞（settimeout(None)）',
  'recv.timeoutMode': '带超时（settimeout(t)）',
  'recv.nonBlocking': '非阻塞（setblocking(False)）',
  'recv.pending': str`recv(${0}) 阻塞中，等待数据…`,
  'recv.pendingTimeout': str`recv(${0}) 正在等待数据（${1} 毫秒后超时）…`,
  'recv.busy': str`recv(${0}) 还在等待；一个套接字一次只能有一个 recv()。`,
  'recv.timeout': str`socket.timeout: timed out —— ${0} 毫秒内没有数据到达。连接仍然打开；再按 recv() 可以继续等待。`,
  'recv.wouldBlock': 'BlockingIOError: [Errno 11] Resource temporarily unavailable —— 没有排队的数据，所以非阻塞的 recv() 立即返回（EAGAIN）。',
  'recv.eof': "recv() 返回了 b''——对方已关闭它那一端。",
  'recv.got': str`recv(${0}) 返回了 ${1} 字节。`,
  'recv.held': str`还有 ${0} 字节等着下一次 recv()。`,
  'recv.title': '接收方：读取方式如同',
  'recv.expand': '像 recv(n) 那样读取…',
  'recv.hide': '收起',
  'recv.asArrives': '（数据一到就读：网关的每次读取都是日志中的一行）',
  'whole.open': '打开完整消息',
  'whole.copy': '复制',
  'whole.copied': '已复制。',
  'whole.selected': '已选中：按 Ctrl+C 复制。',
  'whole.saveBin': '保存原始字节（.bin）',
  'whole.title': '消息',
  // the socket list: two clients to one address differ by their own port
  'list.via': str`本地端口 :${0}`,
};
