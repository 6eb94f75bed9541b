/**
 * Chinese templates of the handshake-on-the-wire panel (`wire.…`) and the SO_REUSEADDR /
 * address-in-use texts, in the format of `zh-CN.ts`, which spreads them into its table (the lab's
 * own `lab.recv.…` ones are in zh-CN-lab.ts, where the lab's template test looks).
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** id → Chinese template. */
export const wireTemplates: LocaleModule['templates'] = {
  'wire.title': '线路上的报文（tcpdump）',
  'wire.toggle': '抓取下一个连接的报文',
  'wire.server': '服务器',
  'wire.none': '勾选“抓取报文”并打开一个新连接：它真实的报文段会显示在这里。',
  'wire.unavailable': '这里无法抓包：',
  'wire.waiting': '正在启动 tcpdump…',
  'wire.capturing': str`正在用 tcpdump 在 lo 上抓包：${0} 个报文段。`,
  'wire.ended': str`抓包已结束（${0}）：${1} 个报文段。`,
  'wire.download': '下载 .pcapng',
  'wire.relative': '序号是相对于每一端初始序号的相对值（与 Wireshark 一样）；下面一行是原始值。',
  'wire.reset': 'RST：连接被重置——没有 FIN 交换，也没有 TIME_WAIT。',
  'wire.refused': '用 RST, ACK 回答 SYN：该端口上没有程序在监听，内核拒绝连接（ECONNREFUSED），三次握手没有发生。',
  'wire.closed': str`四次挥手：每个 FIN 都由对方确认。${0}先发出 FIN，所以它现在处于 TIME_WAIT（2×MSL，Linux 上 60 秒）——见 TCP 状态。`,
  'err.WOULD_BLOCK': '没有排队的数据：非阻塞读取会阻塞（EAGAIN；Python 抛出 BlockingIOError）。',
  'err.UNSUPPORTED': '网关所在的主机做不到这一点（见详情）。',
  'err.ADDRESS_IN_USE.timeWait': str`地址已被占用——但并没有套接字在监听：只有 ${0} 个处于 TIME_WAIT 的连接占着这个端口。不设 SO_REUSEADDR 的 bind 会失败，直到它们过期（Linux 上 60 秒）；设了 SO_REUSEADDR 就能成功。`,
  'err.ADDRESS_IN_USE.listen': '地址已被占用：另一个套接字正在监听这个端口。',
  'dialog.reuseHelp': '不勾选时，网关像 Python 的 socket() + bind() 那样直接绑定、不调用 setsockopt（Node 自己总会设置 SO_REUSEADDR，所以这次绑定由 python3 完成）：只要还有 TIME_WAIT 连接占着端口，它就会失败。',
};
