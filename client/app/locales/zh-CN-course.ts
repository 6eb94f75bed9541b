/**
 * Chinese strings of the course labs (`<course-labs>` and the labs in it; ids `lab.index.…`,
 * `lab.conc.…`, …), in Lit localize's runtime format; `zh-CN-lab.ts` spreads them in.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';
import { subnetTemplates } from './zh-CN-subnet.js';
import { udpTemplates } from './zh-CN-udp.js';
import { httpTemplates } from './zh-CN-http.js';
import { indexTemplates } from './zh-CN-index.js';
import { feiqTemplates } from './zh-CN-feiq.js';

/** `msg()` id → Chinese template, for the course labs. */
export const courseTemplates: LocaleModule['templates'] = {
  ...subnetTemplates,
  ...udpTemplates,
  ...httpTemplates,
  ...indexTemplates,
  ...feiqTemplates,
  'lab.index.nav': '课程实验',
  'lab.index.concurrency.title': '循环服务器 vs 多线程 vs select',
  'lab.index.concurrency.summary': '同时打开多个客户端；循环服务器的第二个客户端在 accept 队列里等待。',

  'lab.conc.title': '迭代服务器与并发服务器',
  'lab.conc.explain':
    '三个服务器都把 recv(1024) 收到的数据 data.upper() 后发回，分别用课程讲的三种写法实现。它们就是真实的 Python 程序，由网关在 127.0.0.1 上运行。每个客户端在 connect() 返回后立即发送 "hello from client N"。请看循环服务器：它的第二个客户端已经连上了——connect() 已返回，内核已完成握手——可是在第一个客户端关闭之前，没有人读取它的数据。',
  'lab.conc.truth':
    '内核实际做的事：accept() 并不进行握手；它只是从 accept 队列里取出内核早已完成的连接。listen(5) 时 Linux 在队列里最多保留 6 个已完成的连接；队列满了就丢弃新的 SYN，于是下一个客户端停在 SYN_SENT 状态并重试（1 秒、3 秒、7 秒……之后），直到空出位置。',
  'lab.conc.run': '▶ 对每个服务器同时打开三个客户端',
  'lab.conc.closeAll': '关闭所有客户端',
  'lab.conc.loop.title': '循环服务器',
  'lab.conc.threaded.title': '多线程服务器（socketserver）',
  'lab.conc.select.title': 'select() 服务器',
  'lab.conc.loop.note': 'accept() 一个客户端，一直服务到它关闭，再 accept() 下一个。其他客户端其实已经连上——内核替它们完成了握手——正在监听套接字的 accept 队列里等待。',
  'lab.conc.threaded.note': '每个被接受的连接都有自己的线程，所以所有客户端都能立即得到回复。',
  'lab.conc.select.note': '一个线程用 select() 询问哪些套接字就绪，再依次处理：所有人都得到回复，不需要多线程。',
  'lab.conc.open3': '打开 3 个客户端',
  'lab.conc.fill': '填满 backlog：8 个客户端',
  'lab.conc.gauge.title': '监听套接字的 accept 队列（Linux /proc/net/tcp 中 LISTEN 行的 rx_queue）',
  'lab.conc.queue': str`accept 队列：${0} 个在等待（listen(${1})：内核最多排 ${2} 个）· SYN_SENT：${3}`,
  'lab.conc.notStarted': '尚未启动',
  'lab.conc.state.connecting': 'connect() 仍在等待（SYN 没有得到应答）',
  'lab.conc.state.waiting': '已连接、已发送——还没有回复',
  'lab.conc.state.served': str`${0} 毫秒后得到回复`,
  'lab.conc.state.closed': '已关闭',
  'lab.conc.close': '关闭',
  'lab.conc.code': '课程代码（实际运行的就是它）',
};
