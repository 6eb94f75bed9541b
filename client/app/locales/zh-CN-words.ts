/**
 * Chinese strings of what the page shows of the gateway's own words (policy rules, error details)
 * and of the composer's framing menu (issue 12, defect 8); `zh-CN.ts` spreads them in.
 */
import type { LocaleModule } from '@lit/localize';

/** `msg()` id → Chinese template. */
export const wordsTemplates: LocaleModule['templates'] = {
  'gw.port': '端口',
  'gw.rule.public': '默认拒绝：公网（用 --allow CIDR 放行）',
  'gw.rule.privileged': '默认拒绝：特权端口（< 1024）——用 --allow 地址:端口 放行',
  'gw.rule.unspecified': '内置规则：未指定地址（0.0.0.0、::）不能作为目标',
  'gw.rule.defaultDeny': '默认拒绝',
  'gw.rule.defaultAllow': '默认允许',
  'framing.len-i': "长度前缀 4 字节 小端 有符号（struct 'i'）",
  'framing.len-!I': "长度前缀 4 字节 大端（struct '!I'）",
  'framing.len-!H': "长度前缀 2 字节 大端（struct '!H'）",
  'framing.len-<H': "长度前缀 2 字节 小端（struct '<H'）",
  'framing.len-B': "长度前缀 1 字节（struct 'B'）",
  'framing.len-!Q': "长度前缀 8 字节 大端（struct '!Q'）",
  'framing.delim-lf': '分隔符 \\n',
  'framing.delim-crlf': '分隔符 \\r\\n',
  'framing.delim-nul': '分隔符 \\0',
  'framing.json-header': "JSON 头 + 正文（struct 'i'）",
};
