#!/usr/bin/perl
# Writes the dynamic benchmark's queries: DNS messages in wire format, each
# with its own EDNS Client Subnet option, in the length-prefixed "TCP stream"
# format that `dnsperf -B` reads (dnsperf 2.10 can only add one fixed EDNS
# option to every query in text mode; with -B it sends each message as is,
# overwriting only the ID). Also writes a text listing of the same queries.
# Deterministic (fixed seed).
#
#   gen_queries.pl NETWORKS.tsv ZONE COUNT OUT.bin OUT.txt
#
# NETWORKS.tsv comes from make_geo_mmdb.pl. Mix (all type A, RD clear, EDNS0
# with a 1232-byte payload):
#   names: 30% prox.ZONE (proximity), 25% lat.ZONE (latency), 30% geo.ZONE
#          (geo), 15% wrr.ZONE (weighted, location-independent)
#   client: 80% ECS IPv4 /24 inside a database network (uniform over them),
#           10% ECS IPv6 /56 inside a database network,
#            5% ECS IPv4 /24 outside every database network (no location),
#            5% no ECS option (located by the source address, 127.0.0.1:
#               not in the database either)
# With ONLY_NAME=LABEL (environment) every query asks for LABEL.ZONE, with the
# same sequence of clients.
# Listing lines: "NAME A ecs=ADDR/LEN" or "NAME A ecs=none".
use strict;
use warnings;

my ($tsv, $zone, $count, $bin, $txt) = @ARGV;
die "usage: $0 NETWORKS.tsv ZONE COUNT OUT.bin OUT.txt\n" unless defined $txt;
$zone =~ s/\.$//;
srand(20261124);

my (@v4, @v6, %by16);
open my $in, '<', $tsv or die "$tsv: $!\n";
while (<$in>) {
    next if /^#/;
    my ($net) = split /\t/;
    my ($addr, $len) = split m{/}, $net;
    if ($addr =~ /:/) { push @v6, [$addr, $len]; next }
    my $base = unpack('N', pack('C4', split /\./, $addr));
    my $last = $base + (1 << (32 - $len)) - 1;
    push @v4, [$base, $len];
    push @{ $by16{$_} }, [$base, $last] for ($base >> 16) .. ($last >> 16);
}
close $in;
die "$tsv: no IPv4 or no IPv6 networks\n" unless @v4 && @v6;

# Same public /8s as make_geo_mmdb.pl.
my @slash8 = grep { my $o = $_; !grep { $_ == $o } (0, 10, 100, 127, 169, 172, 192, 198, 203) } 1 .. 223;
sub covered4 {
    my $a = shift;
    return grep { $_->[0] <= $a && $a <= $_->[1] } @{ $by16{ $a >> 16 } // [] };
}

sub expand6 {    # text IPv6 -> 16 bytes
    my $t = shift;
    my ($l, $r) = split /::/, $t, 2;
    my @l = length($l // '') ? split(/:/, $l) : ();
    my @r = defined $r && length $r ? split(/:/, $r) : ();
    my @w = (@l, (0) x (8 - @l - @r), @r);
    return pack('n8', map { hex } @w);
}

sub qname_wire {
    my $n = shift;
    return join('', map { chr(length) . $_ } split /\./, $n) . "\0";
}

# ECS option: family, source prefix, scope 0, address truncated to the prefix.
sub ecs_opt {
    my ($family, $bytes, $len) = @_;
    my $n = int(($len + 7) / 8);
    my $addr = substr($bytes, 0, $n);
    if ($len % 8) {    # clear the bits beyond the prefix (RFC 7871 requires it)
        my $mask = (0xFF << (8 - $len % 8)) & 0xFF;
        substr($addr, -1, 1) = chr(ord(substr($addr, -1, 1)) & $mask);
    }
    my $data = pack('nCC', $family, $len, 0) . $addr;
    return pack('nn', 8, length $data) . $data;
}

sub message {
    my ($name, $opt) = @_;
    # header: ID (dnsperf overwrites), flags 0 (query, RD clear), 1 question, 1 additional
    my $m = pack('nnnnnn', 0, 0, 1, 0, 0, 1) . qname_wire($name) . pack('nn', 1, 1);
    # OPT RR: root owner, type 41, class = UDP payload 1232, TTL 0, options
    $m .= "\0" . pack('nnNn', 41, 1232, 0, length $opt) . $opt;
    return $m;
}

open my $ob, '>:raw', $bin or die "$bin: $!\n";
open my $ot, '>', $txt or die "$txt: $!\n";
my %seen;
for (1 .. $count) {
    my $r = rand() * 100;
    my $label = $r < 30 ? 'prox' : $r < 55 ? 'lat' : $r < 85 ? 'geo' : 'wrr';
    $label = $ENV{ONLY_NAME} if $ENV{ONLY_NAME};
    my $name = "$label.$zone";
    my $c = rand() * 100;
    my ($opt, $desc);
    if ($c < 80) {
        my ($base, $len) = @{ $v4[ int(rand(@v4)) ] };
        my $a = ($base + int(rand(1 << (32 - $len)))) & 0xFFFFFF00;
        $opt = ecs_opt(1, pack('N', $a), 24);
        $desc = join('.', unpack('C4', pack('N', $a))) . '/24';
    } elsif ($c < 90) {
        my ($addr, $len) = @{ $v6[ int(rand(@v6)) ] };
        my $bytes = expand6($addr);
        # random bits between the network prefix and /56
        my @b = unpack('C16', $bytes);
        for my $bit ($len .. 55) { $b[ $bit >> 3 ] |= (1 << (7 - ($bit & 7))) if rand() < 0.5 }
        $bytes = pack('C16', @b[0 .. 6], (0) x 9);
        $opt = ecs_opt(2, $bytes, 56);
        my $t = join(':', map { sprintf('%x', $_) } unpack('n8', $bytes));
        $t =~ s/(^|:)0(:0)+$/::/;    # trailing zero groups
        $desc = "$t/56";
    } elsif ($c < 95) {
        my $a;
        do { $a = ($slash8[ int(rand(@slash8)) ] << 24) | (int(rand(65536)) << 8) } while covered4($a);
        $opt = ecs_opt(1, pack('N', $a), 24);
        $desc = join('.', unpack('C4', pack('N', $a))) . '/24';
    } else {
        $opt = '';
        $desc = 'none';
    }
    my $m = message($name, $opt);
    print $ob pack('n', length $m), $m;
    print $ot "$name A ecs=$desc\n";
    $seen{"$name $desc"} = 1;
}
close $ob or die "$bin: $!\n";
close $ot or die "$txt: $!\n";
printf STDERR "gen_queries: %d queries, %d distinct (name, client subnet) pairs -> %s\n", $count, scalar(keys %seen), $bin;
