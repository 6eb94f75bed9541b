/** Chinese strings of the UDP boundary scenarios (`<udp-boundary-lab>`, ids `lab.udp.…`); `zh-CN-course.ts` spreads them in. */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** `msg()` id → Chinese template, for the UDP scenarios. */
export const udpTemplates: LocaleModule['templates'] = {
  'lab.picture.lane.sendto': 'sendto() — 数据报',
  'lab.picture.lane.recvfrom': 'recvfrom() — 读取',
  'lab.picture.lost': str`✂ 被丢弃：${0} B`,
  'lab.udp.title': 'UDP 保留消息边界，TCP 不保留',
  'lab.udp.intro':
    '同样的发送改用 UDP（127.0.0.1 上两个真实的 SOCK_DGRAM 套接字）：每次 sendto() 就是一个数据报，每次 recvfrom(n) 返回一个数据报——绝不会是两个，也不会是半个，但数据报比 n 长时会被截断为 n 字节。',
  'lab.udp.two.title': 'UDP：两次快速发送仍然是两个',
  'lab.udp.two.explain':
    '与第一个 TCP 实验相同的两次连续发送，这次用 UDP。每次 sendto() 是一个数据报，每次 recvfrom() 恰好返回一个数据报：发送方划定的边界就是接收方看到的边界，根本没有东西可以“粘”在一起。',
  'lab.udp.two.look': '上面两次写入，下面两次读取，宽度一一对应：两条 ✓ 消息。',
  'lab.udp.six.title': 'UDP：六次发送，六次读取',
  'lab.udp.six.explain':
    '六条短消息，每 120 ms 一条，与“读得比发得慢”的 TCP 实验相同。UDP 下无论时间如何，每条都单独读到：数据报要么完整送达，要么根本不到。（在真实网络上 UDP 可能丢包或乱序；在回环接口上两者都不会发生。）',
  'lab.udp.six.look': '六次写入，六次读取，没有哪次读取跨两种颜色。',
  'lab.udp.cut.title': 'UDP：比 recvfrom(1024) 大的数据报会被截断',
  'lab.udp.cut.explain':
    '“回复大于 recv(1024)”TCP 实验里那 3,000 字节的回复，现在作为一个数据报发送，用 recvfrom(1024) 读取。TCP 会把剩下的留给下一次 recv()；UDP 不会：recvfrom 返回前 1,024 字节，内核丢弃其余 1,976 字节。下一次 recvfrom() 返回的是下一个数据报。请用不小于最大数据报的缓冲区读取（IPv4 上最多 65,507 字节）。',
  'lab.udp.cut.look': '第 1 次读取是 1,024 B 且为 ✗；其后带斜线的部分已被丢弃；第 2 次读取是第二个数据报，✓。',
  'lab.udp.timeout': '等待数据报超时。',
  'lab.udp.summary': str`${0} 次 sendto()，${1} 次 recvfrom(${2})，丢弃 ${3} 字节。`,
  'lab.udp.who': str`发送 sendto()：127.0.0.1:${0} → 接收 recvfrom(${1})：127.0.0.1:${2}`,
  'lab.udp.rerun': '用这个 n 再运行一次',
  'lab.udp.framing': '一个数据报 = 一条消息',
};
