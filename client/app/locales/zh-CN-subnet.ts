/** Chinese strings of the subnet calculator (`<subnet-lab>`, ids `lab.subnet.…`); `zh-CN-course.ts` spreads them in. */
import type { LocaleModule } from '@lit/localize';
import { str } from '@lit/localize';

/** `msg()` id → Chinese template, for the subnet lab. */
export const subnetTemplates: LocaleModule['templates'] = {
  'lab.index.subnets.title': '子网划分',
  'lab.index.subnets.summary': '用二进制做 地址 AND 掩码：网络号、广播地址、主机范围；是否同一子网。',
  'lab.subnet.title': '子网（IPv4）',
  'lab.subnet.explain':
    '子网掩码说明地址中哪些位表示网络（掩码中的 1），哪些位表示主机（掩码中的 0）。地址 AND 掩码得到网络号；把主机位全部置 1 得到广播地址；两者之间的地址就是可用主机。本计算器只支持 IPv4。',
  'lab.subnet.err.address': '不是 IPv4 地址：应为用点分隔的四个 0–255 的数，例如 192.168.9.193。',
  'lab.subnet.err.mask': '不是掩码：请填 /0–/32、0–32 的数字，或点分掩码如 255.255.255.128。',
  'lab.subnet.err.contiguous': '无效掩码：掩码的 1 必须全部连续排在前面（255.255.0.255 不是掩码）。',
  'lab.subnet.row.address': '地址',
  'lab.subnet.row.mask': str`掩码 /${0}`,
  'lab.subnet.row.network': '网络号（主机位清零）',
  'lab.subnet.row.wildcard': '掩码取反（主机位）',
  'lab.subnet.row.noBroadcast': '（/31、/32 没有广播地址）',
  'lab.subnet.row.broadcast': '广播地址（主机位全 1）',
  'lab.subnet.none': '无（RFC 3021）',
  'lab.subnet.noneShort': '无',
  'lab.subnet.network': '网络号',
  'lab.subnet.broadcast': '广播地址',
  'lab.subnet.first': '第一个主机',
  'lab.subnet.last': '最后一个主机',
  'lab.subnet.hosts': '主机数',
  'lab.subnet.mask': '掩码',
  'lab.subnet.p31': '/31 是点对点链路（RFC 3021）：两个地址都是主机，没有网络号也没有广播地址。',
  'lab.subnet.p32': '/32 只表示一台主机：没有网络号，没有广播地址，子网里没有别人。',
  'lab.subnet.count': str`共 2^${0} = ${1} 个地址，减去网络号和广播地址。`,
  'lab.subnet.same': str`同一子网：两者的网络号都是 ${0}。它们直接互通（ARP），不经过路由器。`,
  'lab.subnet.notSame': str`不同子网：${0} ≠ ${1}。它们之间的数据包要经过路由器，一方的定向广播也到不了另一方。`,
  'lab.subnet.bcastTitle': 'UDP 发送框提供的广播地址',
  'lab.subnet.limited':
    '受限广播：“本链路上的所有人”。路由器从不转发它；Linux 按照去往 255.255.255.255 的路由选择出口网卡（通常是默认路由的网卡），所以在有多个网络的机器上，它未必从你以为的网卡发出。',
  'lab.subnet.directed': str`${0}：${1}/${2}，即网络号 ${3} 的主机位全部置 1：定向广播，只有该子网内的主机能收到。`,
  'lab.subnet.soBroadcast': '向这两种地址发送都需要 UDP 套接字开启 SO_BROADCAST（对话框里的复选框）；否则内核返回 EACCES。',
  'lab.subnet.iface': '网关的网卡',
  'lab.subnet.ifacePick': '— 选择一个以填入 —',
  'lab.subnet.address': '地址（或 地址/前缀）',
  'lab.subnet.maskInput': '掩码或 /前缀',
  'lab.subnet.netBits': '网络位',
  'lab.subnet.hostBits': '主机位',
  'lab.subnet.sameTitle': '这两个地址在同一子网吗？',
  'lab.subnet.other': '第二个地址',
};
