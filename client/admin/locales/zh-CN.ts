/** Chinese (Simplified) templates of the admin page's `msg()` ids (Lit localize runtime format). */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** id → Chinese template. */
export const templates: LocaleModule['templates'] = {
  'admin.title': 'sockgate — 在线页面',
  'admin.live': '实时',
  'admin.offline': '未连接',
  'admin.pageCount': str`页面：${0}`,
  'admin.language': '语言',
  'admin.theme': '切换浅色 / 深色主题',
  'admin.grant': str`授权 ${0}`,
  'admin.operatorToken': '运维令牌',
  'admin.noGrants': '没有授权文件：无法撤销授权。',
  'admin.noGrantsWhy': '此网关未使用授权文件（--grants FILE）运行：没有可撤销的授权。',
  'admin.tokenWhy': '这些页面使用运维令牌而非授权：请直接关闭页面。',
  'admin.waiting': '正在等待网关…',
  'admin.none': '没有已连接的页面。',
  'admin.revoke': '撤销授权',
  'admin.client': '客户端',
  'admin.origin': '来源',
  'admin.since': '连接于',
  'admin.sockets': '套接字',
  'admin.closePage': '关闭页面',
  'admin.more': str`另有 ${0} 个套接字`,
  'admin.denied': str`已拒绝（最近几分钟，共 ${0} 次）`,
  'admin.kind': '类型',
  'admin.target': '目标',
  'admin.local': '本地',
  'admin.state': '状态',
  'admin.in': '收',
  'admin.out': '发',
  'admin.rateIn': '接收速率',
  'admin.rateOut': '发送速率',
  'admin.closeSocket': '关闭',
};
