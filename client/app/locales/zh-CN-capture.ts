/**
 * Chinese templates of the files-and-capture panel (`cap.…`) and the relay view (`relay.…`),
 * in the format of `zh-CN.ts`, which spreads them into its table.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** id → Chinese template. */
export const captureTemplates: LocaleModule['templates'] = {
  'cap.button': '文件与抓包',
  'cap.cancel': '取消',
  'cap.sendTitle': '发送文件',
  'cap.fileLabel': '要发送的文件',
  'cap.send': '发送文件',
  'cap.sendWhere': '文件通过已打开的 TCP 连接发送（客户端，或服务器的某个客户端）。',
  'cap.sendHint': '按 60 KB 分片写入，每片都等网关的发送额度：对端慢，文件就发得慢，不会占满内存。',
  'cap.recvTitle': '收到的字节',
  'cap.recvKept': str`共收到 ${0}，保留 ${1}。`,
  'cap.bound': str`每个套接字最多保留 ${0} 的流量，超出后最早的先丢弃。`,
  'cap.saveBin': '另存为 .bin',
  'cap.captureTitle': '抓包',
  'cap.records': str`已记录 ${0} 次读写。`,
  'cap.pcapHint': 'pcapng 按真实地址和端口，为每次读写重建一个 TCP 报文段（或 UDP 数据报）；握手和关闭是合成的。读取用网关的时间，写入用页面的时间。',
  'cap.pcapng': 'pcapng（Wireshark）',
  'cap.jsonl': 'JSON Lines',
  'cap.sending': str`正在发送 ${0}：${1} / ${2}`,
  'cap.sent': str`已发送 ${0}：${1}，用时 ${2} 秒`,
  'cap.cancelled': str`已取消，发送了 ${0} / ${1}`,
  'cap.failed': str`发送 ${0} 后中止：${1}`,
};
