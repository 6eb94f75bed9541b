/**
 * Chinese (Simplified) templates for `msg()` ids, hand-written in Lit localize's runtime format:
 * plain strings, or `str` templates whose `${n}` is the n-th expression of the English source.
 * The sticky-packet lab's strings (ids `lab.…`) come from its own module.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';
import { labTemplates } from '../lab/lab-zh-CN.js';

/** id → Chinese template. */
export const templates: LocaleModule['templates'] = {
  ...labTemplates,
  'app.connected': '已连接',
  'app.connecting': '正在连接…',
  'app.reconnecting': '正在重连…',
  'app.views': '视图',
  'app.view.workspace': '工作区',
  'app.view.lab': '粘包实验',
  'app.language': '语言',
  'app.theme': '切换浅色 / 深色主题',
  'banner.lost': '与网关的连接已断开。',
  'banner.socketsClosed': '之前打开的套接字已关闭。',
  'banner.retryIn': str`${0} 秒后重试…`,
  'banner.retrying': '正在重试…',
  'banner.retryNow': '立即重试',
  'banner.cannotReach': '暂时无法连接网关。',
  'banner.back': '已重新连接网关。',
  'banner.reopen': '请在工作区重新打开套接字。',
  'err.REFUSED': '连接被拒绝：该端口没有程序在监听。',
  'err.TIMED_OUT': '超时：目标没有及时响应。',
  'err.UNREACHABLE': '网络或主机不可达。',
  'err.DNS_FAILURE': '无法解析该名称（DNS）。',
  'err.RESET': '连接被对方重置。',
  'err.ADDRESS_IN_USE': '地址已被占用：另一个套接字占用了该端口。',
  'err.ADDRESS_NOT_AVAILABLE': '网关主机上没有这个地址。',
  'err.PERMISSION': '操作系统拒绝了权限。',
  'err.DENIED': '被网关的目标策略拒绝。',
  'err.BAD_OPTION': '某个选项的值网关不接受。',
  'err.LIMIT': '达到了网关的限制（套接字数、大小或速率）。',
  'err.TOO_BIG': '消息太大。',
  'err.INVALID_STATE': '套接字当前的状态下无法执行此操作。',
  'err.TLS': 'TLS 握手失败。',
  'err.IDLE_TIMEOUT': '空闲时间过长，已关闭。',
  'err.SHUTDOWN': '网关正在关闭。',
  'err.CONNECTION_LOST': '与网关的连接已断开。',
  'err.CONNECT_FAILED': '无法连接网关（网关是否在运行？令牌是否正确？）。',
  'err.VERSION': '网关使用的协议版本不同。',
  'err.CLOSED': '网关关闭了该套接字。',
  'err.HTTP': '向网关发出的请求失败。',
  'err.INVALID_HEX': '不是有效的十六进制。',
  'err.INVALID_ESCAPE': '转义序列无效（可用：\\n \\r \\t \\0 \\\\ \\xNN）。',
  'err.UNMAPPABLE_CHARACTER': '有字符无法用所选编码表示。',
  'err.FRAME_TOO_LARGE': '帧超过了分帧设置允许的大小。',
  'err.rule': str`规则：${0}。`,
};
