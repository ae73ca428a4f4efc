import type { TunableKey } from './tunables';

/**
 * Simplified Chinese of each tunable's one-line doc (tunables.ts holds the English). The settings
 * generator writes these into package.nls.zh-cn.json, and the config language server shows them
 * in hovers and completions when the editor runs in Chinese. A key added to the table without
 * an entry here is a compile error.
 */
export const TUNABLE_DOCS_ZH_CN: Record<TunableKey, string> = {
  listen_address: '控制连接监听的地址。除回环地址以外的任何地址都会把服务器暴露到网络上。',
  listen_port: '控制连接的 TCP 端口：2121 无需 root 即可启动；21 是标准 FTP 端口，需要 root 或 CAP_NET_BIND_SERVICE。',
  local_root: '为没有自己根目录的具名用户提供的目录；留空表示命令行给出的根目录。',
  accept_timeout: '传输命令之后，被动数据连接到达的最长秒数。',
  connect_timeout: '主动（PORT/EPRT）数据连接建立的最长秒数。',
  maximum_clients: '同时存在的控制连接上限；超出的客户端收到 421 后被关闭。0 = 不限。',
  max_conns_per_ip: '来自同一 IP 地址的同时控制连接上限；0 = 不限。',
  max_upload_rate: '每个会话的上传速率上限（字节/秒）；0 = 不限。',
  max_download_rate: '每个会话的下载速率上限（字节/秒）；0 = 不限。',
  global_upload_rate: '所有会话共享的上传速率上限（字节/秒）；0 = 不限。',
  global_download_rate: '所有会话共享的下载速率上限（字节/秒）；0 = 不限。',
  idle_ctrl_timeout: '控制连接在没有命令多少秒后被关闭（传输期间从不关闭）。0 = 从不。',
  idle_data_timeout: '数据连接无进展多少秒后中止传输。0 = 从不。',
  local_umask: '服务器创建文件（从 0666 起）和目录（从 0777 起）时应用的 umask。',
  pasv_min_port: '被动数据监听的最低端口；与 pasv_max_port 同为 0 时由系统选择。',
  pasv_max_port: '被动数据监听的最高端口。',
  pasv_address: 'PASV 回复中通告的地址（NAT 伪装）；留空表示客户端所连接的地址。',
  anonymous_enable: '允许以 “anonymous” 或 “ftp” 加任意密码登录。',
  anon_root: '为匿名用户提供的目录；留空表示与具名用户相同的根目录。',
  anon_perms: '匿名用户的权限字母（pyftpdlib 风格，见 user）。',
  allow_fxp: '允许与客户端以外的地址建立数据连接（FXP）。关闭 = RFC 2577 反弹攻击防护。',
  ssl_enable: '提供显式 FTPS（AUTH TLS）。没有证书文件时会生成并保留一个自签名证书。',
  force_tls: '拒绝未执行 AUTH TLS 的连接上的 USER/PASS，并要求传输使用 PROT P。',
  require_ssl_reuse:
    '拒绝（522）TLS 会话未复用本控制连接会话的 PROT P 数据连接，这样只有已登录的客户端能打开它（与 vsftpd 相同）。对从不复用会话的客户端（Python 的 ftplib），以及由另一台服务器充当 TLS 客户端的 TLS FXP，请关闭此项。',
  rsa_cert_file: 'FTPS 使用的 PEM 证书（链）。',
  rsa_private_key_file: 'FTPS 使用的 PEM 私钥；留空表示私钥在 rsa_cert_file 中。',
  max_login_fails: '每个连接允许的 PASS 失败次数，超过后以 421 关闭连接。',
  login_fail_delay_ms: '登录失败后回复前的延迟；此后每次失败加倍（上限 8 秒）。',
  max_login_fails_per_ip: '同一地址在其所有连接上累计登录失败多少次后被封禁 login_ban_time（一个 IPv6 /64 算作一个地址）。0 = 从不封禁。',
  login_fail_window: '一个地址多少秒内没有登录失败后，其失败计数（用于 login_fail_delay_ms 和封禁）从零重新开始。',
  login_ban_time: '被封禁地址遭拒绝的秒数：来自它的新连接、USER 和 PASS 都收到 421。',
  ftpd_banner: '220 欢迎语的文本。',
};
