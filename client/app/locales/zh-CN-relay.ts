/**
 * Chinese strings of relay mode (ids `relay.…`) and of the lost-work bar (ids `lost.…`), in Lit localize's runtime format; `zh-CN.ts`
 * spreads them into the page's templates.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** `msg()` id → Chinese template, for the relay form, view and list. */
export const relayTemplates: LocaleModule['templates'] = {
  'relay.kindLong': 'TCP 中继',
  'relay.list': '中继',
  'relay.pairs': '连接对',
  'relay.new': '新建中继',
  'relay.intro': '网关在此监听，把每个连进来的客户端双向转发到目标。先启动你的服务器程序，再让客户端程序连到监听端口，就能看到两个方向上每一次读取及其边界。',
  'relay.localAddress': '监听地址',
  'relay.targetHost': '转发到主机',
  'relay.logBudget': '日志最多复制（KiB），之后只记大小',
  'relay.start': '启动中继',
  'relay.explain': '连到这里的每个客户端都由网关转发到目标。日志：RX = 从客户端读到的数据（→ 目标），TX = 从目标读到的数据（→ 客户端）。',
  'relay.close': '关闭中继',
  'relay.noPairs': '还没有客户端：让你的客户端程序连到监听地址。',
  'relay.client': '客户端',
  'relay.via': '经由',
  'relay.state': '状态',
  'relay.upHint': '客户端 → 目标',
  'relay.downHint': '目标 → 客户端',
  'relay.bytesReads': '字节 / 读取次数',
  'relay.missedShort': str`${0} 次读取未显示`,
  'relay.missed': str`${0} 次读取未显示（页面跟不上；中继照常转发）`,
  'relay.truncated': '日志已截断：复制额度已用完，此后只记录大小',
  'lost.title': str`有 ${0} 个套接字因页面重新加载或网关重启而关闭。`,
  'lost.reopenAll': '全部重新打开',
  'lost.reopen': '重新打开',
  'lost.forget': '忽略',
  'lost.restored': str`已恢复重新加载前的 ${0} 行日志。`,
  'lost.restoredDropped': str`已恢复重新加载前的 ${0} 行日志；更早的 ${1} 行未保留。`,
};
