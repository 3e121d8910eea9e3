/* SPDX-License-Identifier: MIT */
/* Everything libwirecraft offers, in one include. Each header covers one concern and can
 * be included on its own. */
#ifndef WIRECRAFT_WIRECRAFT_H
#define WIRECRAFT_WIRECRAFT_H

#include "proto.h"  /* protocols as field tables and hooks; the registry */
#include "pkt.h"    /* packets: layers, build, dissect */
#include "set.h"    /* packet sets from Scapy expressions */
#include "tmpl.h"   /* packet sets compiled for the sending fast path */
#include "format.h" /* show, summary and JSON views */
#include "pcapio.h" /* pcap/pcapng files */
#include "iface.h"  /* host defaults from an interface */
#include "port.h"   /* transports: AF_XDP, AF_PACKET, pcap */
#include "rate.h"   /* rate control */
#include "xdp.h"    /* the XDP programs: loading, counters */
#include "steer.h"  /* reply steering: the XDP program that picks our answers */
#include "sr.h"     /* send and receive: Scapy's sr() over AF_XDP */

#endif
