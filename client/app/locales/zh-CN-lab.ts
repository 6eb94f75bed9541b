/**
 * Chinese strings of the sticky-packet lab (ids prefixed `lab.`), in Lit localize's runtime
 * format: plain strings, or `str`/`html` templates whose `${n}` is the n-th expression of the
 * English source. `zh-CN.ts` beside it spreads these into the page's templates; the lab's elements
 * take `msg`/`str` from `../i18n.js` like every other element of the page.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';
import { html } from 'lit';
import { courseTemplates } from './zh-CN-course.js';

/** `msg()` id → Chinese template, for the lab's elements. */
export const labTemplates: LocaleModule['templates'] = {
  ...courseTemplates,
  'lab.title': '粘包实验',
  'lab.intro':
    'TCP 传送的是字节流，不是消息：你调用 send() 的边界，并不是对方 recv() 的边界。下面每个实验都通过网关使用真实的套接字，图中显示的正是内核实际返回的数据。',

  'lab.card.run': '▶ 用真实套接字运行',
  'lab.card.running': '运行中',

  'lab.scenario.two-sends.title': '连续两次发送，一次就收到了',
  'lab.scenario.two-sends.explain':
    '客户端在开启 Nagle 算法的情况下，连续调用 send("hello") 和 send("world")。TCP 是字节流而不是消息流：等服务端调用 recv() 时，两段数据都已在缓冲区里，于是一次 recv() 返回了 "helloworld"。线路上没有任何东西标明 "hello" 在哪里结束。',
  'lab.scenario.two-sends.look': '上面是两种颜色的两次写入，下面只有一个读取框，横跨两种颜色。',

  'lab.scenario.big-reply.title': '回复比 recv(1024) 大',
  'lab.scenario.big-reply.explain':
    '服务端用一次 send() 回复了一条命令的 5000 字节输出。客户端调用 recv(1024)，最多只能拿到 1024 字节：其余的留在缓冲区里，下一次 recv()——本想读取下一条命令的回复——读到的仍是这条旧回复。一条消息，五次读取。',
  'lab.scenario.big-reply.look': '上面是一整块，下面被切成了五次读取。',

  'lab.scenario.slow-reader.title': '读得比发得慢',
  'lab.scenario.slow-reader.explain':
    '客户端每隔 120 毫秒发送一条短消息，共六条；服务端每 330 毫秒才调用一次 recv()。每次 recv() 都返回自上次以来堆积的全部数据，因此读取的切分位置与消息边界毫无关系。',
  'lab.scenario.slow-reader.look': '上面六次写入，下面的读取次数更少、每次更宽。',

  'lab.scenario.length-header.title': '用长度报头解决',
  'lab.scenario.length-header.explain':
    '同样是连续两次发送，但每条消息前面都加上 struct.pack("i", len(msg))：4 个字节，说明消息有多长。读取依然把它们粘在一起，但接收方先读 4 个字节得知长度，再恰好读取那么多：两条消息都完整地恢复了。',
  'lab.scenario.length-header.look': '仍然只有一次读取——但解码行显示出两条 ✓ 消息。',

  'lab.scenario.json-header.title': '用 JSON 报头解决',
  'lab.scenario.json-header.explain':
    '课程中的最终方案：先发送 struct.pack("i", len(header))，再发送 JSON 报头，例如 {"cmd": "ls -l", "total_size": 3000}，最后发送正文。客户端仍然用 recv(1024) 读取，但会一直读到凑满 total_size 字节为止，所以无论读取怎样切分，每个回复都能完整恢复。',
  'lab.scenario.json-header.look': '四次读取、每次最多 1024 字节，却得到两个 ✓ 回复：报头画有斜线，正文完整。',

  'lab.scenario.sleep.title': '为什么 sleep() 不是解决办法',
  'lab.scenario.sleep.explain':
    '客户端在 send("hello") 和 send("world") 之间睡眠 200 毫秒，希望把它们分开——在空闲的机器上这看起来常常有效。但服务端很忙，600 毫秒后才调用 recv()：此时两条消息都已在等待，一次 recv() 把它们一起返回。睡眠只会拖慢所有人，什么也解决不了；只有分帧（报头或分隔符）才能标明消息在哪里结束。',
  'lab.scenario.sleep.look': '两次写入相隔 200 毫秒，但一次读取就包含了两条。',

  'lab.picture.countWritten': html`已写入 <b>${0}</b> 条消息`,
  'lab.picture.countReads': html`读取 <b>${0}</b> 次`,
  'lab.picture.countDecoded': html`解码出 <b>${0}</b> 条消息`,
  'lab.picture.countIntact': html`<b>${0}</b> 条完整`,
  'lab.picture.mixed': html`<b>${0}</b> 次读取包含多条消息的片段`,
  'lab.picture.split': html`<b>${0}</b> 条消息被分散到多次读取`,
  'lab.picture.empty': '还没有发送任何数据：运行一个实验，或按“发送”。',
  'lab.picture.decodedOk': str`= 第 ${0} 条消息 · ${1} 字节`,
  'lab.picture.decodedBad': str`并不是发送过的消息 · ${0} 字节`,
  'lab.picture.pending': str`等待其余部分：${0} 字节`,
  'lab.picture.unread': str`尚未读取：${0} 字节`,
  'lab.picture.aria': '写入的消息、读取的数据块与解码出的消息',
  'lab.picture.lane.written': 'send() — 写入',
  'lab.picture.lane.writtenSub': '每条消息一种颜色',
  'lab.picture.lane.writtenOther': '请求（另一条字节流）',
  'lab.picture.lane.read': 'recv() — 读取',
  'lab.picture.lane.readSub': '每次读取一个框',
  'lab.picture.lane.decoded': '解码',
  'lab.picture.axis': '字节偏移 →',
  'lab.picture.time': '时间 →',
  'lab.picture.timeSub': '● 发送   ▮ 读取',

  'lab.framing.none': '不分帧：每次 recv() 当作一条消息',
  'lab.framing.length-i': "长度前缀 struct 'i'（4 字节，小端）",
  'lab.framing.length-!I': "长度前缀 struct '!I'（4 字节，网络字节序）",
  'lab.framing.newline': '每行一条消息（\\n）',
  'lab.framing.json-header': "struct 'i' + JSON 报头 + 正文",
  'lab.framingShort.none': '不分帧',
  'lab.framingShort.length-i': "按 struct 'i'",
  'lab.framingShort.length-!I': "按 struct '!I'",
  'lab.framingShort.newline': '按行（\\n）',
  'lab.framingShort.json-header': '按 JSON 报头',

  'lab.play.title': '自己试试',
  'lab.python': '用 Python 写出来',
  'lab.play.explain': '输入几条消息，调整下面的参数，然后按“发送”；或者选择上面的一个实验。',
  'lab.who': str`写入：${0} ${1}:${2} → 读取：${3} ${4}:${5}`,
  'lab.who.readDelay': str`每 ${0} 毫秒读一次`,
  'lab.who.nagleOn': 'Nagle 开启',
  'lab.who.nagleOff': 'Nagle 关闭',
  'lab.who.cork': str`合并 ${0} 次写入`,
  'lab.who.sleep': str`两次写入间睡眠 ${0} 毫秒`,
  'lab.role.client': '客户端',
  'lab.role.accepted': '已接受的套接字',
  'lab.sender': '发送方',
  'lab.receiver': '接收方',
  'lab.knob.nagle': '开启 Nagle 算法（noDelay 关闭）',
  'lab.knob.cork': '把接下来的 N 次写入合并为一次（cork）',
  'lab.knob.writeDelay': '两次写入之间睡眠（毫秒）',
  'lab.knob.sendFraming': '发送分帧',
  'lab.knob.decodeFraming': '解码分帧',
  'lab.play': '消息与连接',
  'lab.play.messages': '每行一条消息',
  'lab.play.target': '连接到',
  'lab.play.pair': '页面自己的服务器（两端都可见）',
  'lab.play.remote': '实验服务或你自己的服务器',
  'lab.play.remoteHint': '只有一个套接字：上面一行是页面发送的内容，中间一行是收到的回复。服务器回显时，两者逐字节对齐。',
  'lab.play.direction': '方向',
  'lab.play.forward': '客户端 → 服务端',
  'lab.play.reply': '服务端 → 客户端（回复）',
  'lab.play.send': '发送',
  'lab.play.new': '新建连接',
  'lab.err.noGateway': '尚未连接到网关。',
  'lab.err.timeout': '等待读取超时。',

  'lab.tcp.title': '实时 TCP 状态（来自内核）',
  'lab.tcp.unavailable': '实时 TCP 状态不可用：网关所在的系统没有 /proc/net/tcp（仅限 Linux）。',
  'lab.tcp.none': '没有打开的实验套接字。',
  'lab.tcp.col.socket': '套接字',
  'lab.tcp.col.local': '本地地址',
  'lab.tcp.col.remote': '远端地址',
  'lab.tcp.col.state': '内核状态',
  'lab.tcp.note':
    '先关闭客户端：它发送 FIN 并进入 FIN_WAIT2，而另一端停在 CLOSE_WAIT，直到它的程序调用 close()。之后客户端要在 TIME_WAIT 中等待 2×MSL。',
  'lab.tcp.timer': str`剩余 ${0} 秒`,
  'lab.tcp.peer': '本机上的对端：',
  'lab.sock.listener': '页面的服务器（监听中）',
  'lab.sock.client': '客户端套接字（页面）',
  'lab.sock.accepted': '已接受的套接字（页面）',
  // issue 16 item 8: a decoded message opened whole
  'lab.whole.label': str`解码出的第 ${0} 条消息`,
};
