/* SPDX-License-Identifier: MIT */
/* Port names as Scapy shows them (from /etc/services, '-' written as '_'). */
#include "wirecraft/proto.h"

const struct wc_name wc_services[] = {
	{7, "echo"}, {9, "discard"}, {13, "daytime"}, {20, "ftp_data"}, {21, "ftp"},
	{22, "ssh"}, {23, "telnet"}, {25, "smtp"}, {37, "time"}, {43, "whois"},
	{53, "domain"}, {67, "bootps"}, {68, "bootpc"}, {69, "tftp"}, {70, "gopher"},
	{79, "finger"}, {80, "http"}, {88, "kerberos"}, {110, "pop3"}, {111, "sunrpc"},
	{113, "auth"}, {119, "nntp"}, {123, "ntp"}, {135, "epmap"}, {137, "netbios_ns"},
	{138, "netbios_dgm"}, {139, "netbios_ssn"}, {143, "imap2"}, {161, "snmp"},
	{162, "snmp_trap"}, {179, "bgp"}, {389, "ldap"}, {443, "https"}, {445, "microsoft_ds"},
	{465, "submissions"}, {500, "isakmp"}, {514, "syslog"}, {515, "printer"},
	{520, "route"}, {546, "dhcpv6_client"}, {547, "dhcpv6_server"}, {554, "rtsp"},
	{587, "submission"}, {631, "ipp"}, {636, "ldaps"}, {853, "domain_s"}, {873, "rsync"},
	{993, "imaps"}, {995, "pop3s"}, {1080, "socks"}, {1194, "openvpn"}, {1433, "ms_sql_s"},
	{1812, "radius"}, {1813, "radius_acct"}, {2049, "nfs"}, {3306, "mysql"},
	{3389, "ms_wbt_server"}, {4500, "ipsec_nat_t"}, {5060, "sip"}, {5353, "mdns"},
	{5432, "postgresql"}, {5900, "rfb"}, {6379, "redis"}, {6443, "sun_sr_https"},
	{8080, "http_alt"}, {0, NULL},
};
