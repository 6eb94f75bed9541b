/**
 * Chinese strings for the workspace fixes of issue 12 (per-socket composer, received framing,
 * client send confirmation, counted nouns, snippets, saving filtered lines), in Lit localize's
 * runtime format; `zh-CN.ts` spreads them into the page's templates. Chinese has no plural, so
 * the "one" ids carry the same template as the others.
 */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** `msg()` id → Chinese template. */
export const workspaceTemplates: LocaleModule['templates'] = {
  'composer.framingHint': '给发送的数据加帧，并把收到的数据按帧拆成消息',
  'composer.atChar': str`（第 ${0} 个字符处）`,
  'composer.timesZero': '次数为 0 时什么也不发送。',
  'composer.timesForever': '一直发送直到停止',
  'composer.confirmForever': '（直到停止）',
  'composer.confirmLabel': '确认发送',
  'composer.confirmText': str`发送 ${0}“${1}”${2} 到 ${3}？`,
  'composer.confirmNothing': str`还没有可发送给 ${0} 的有效内容：${1}`,
  'composer.manageSnippets': '删除片段…',
  'composer.deleteSnippetNamed': str`删除片段 ${0}`,
  'composer.deleteSnippetShort': '删除',
  'clients.sendHint': '把编辑框中的消息发给这个客户端（先显示内容并确认）',
  'log.notSent': str`未发送：${0}`,
  'log.countOne': str`${0} 行`,
  'log.byteOne': str`${0} 字节`,
  'log.pausedOne': '显示已暂停 · 新增 1 行',
  'log.countFilteredOne': str`${0} / 1 行`,
  'log.viewLabel': '收到的数据显示为',
  'log.viewDecoded': '按帧解码',
  'log.viewDecodedHint': str`每条消息一行，按所选分帧（${0}）拆分`,
  'log.viewRaw': '原始读取',
  'log.viewRawHint': '每次读取一行，与网络交付的一致',
  'log.saveScope': '要保存的行',
  'log.saveFiltered': str`仅筛选出的行（${0}）`,
  'log.saveAll': str`全部行（${0}）`,
};
