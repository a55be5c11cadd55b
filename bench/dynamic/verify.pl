#!/usr/bin/perl
# Checks the servers' answers to the dynamic benchmark's sample queries
# against an independent expectation computed from gslb.yaml and the MaxMind
# DB, and writes a Markdown summary. Used by bench/dynamic.sh before it
# measures anything.
#
#   verify.pl YAML MMDB SAMPLES OUT.md SERVER=DIGOUT...
#
# SAMPLES: lines "NAME A ecs=ADDR/LEN|none" (as gen_queries.pl's listing);
# DIGOUT: the output of `dig -f` over those lines, in the same order (one
# response or one error per line).
#
# Expectation, per client (the ECS address when present, else unlocated):
#   prox, lat: the region nearest by great-circle distance (haversine) to the
#              database location; unlocated clients: the first pool listed.
#              (lat is only expected to *mostly* match: the latency policy
#              shares traffic among pools within its tolerance.)
#   geo:       the most specific geo entry (country > continent > default),
#              its first pool.
#   wrr:       any member; the shares per region are reported.
# Exit status: 0 = every answer is a NOERROR, authoritative, single A record
# of a pool member; 1 otherwise. With STRICT=1 (environment) also 1 when a
# server's geo answers are not all as expected or fewer than MIN_PROX
# (default 90) % of its prox answers are.
use strict;
use warnings;
use MaxMind::DB::Reader;

my ($yaml, $mmdb, $samples, $out, @servers) = @ARGV;
die "usage: $0 YAML MMDB SAMPLES OUT.md SERVER=DIGOUT...\n" unless @servers;
my $strict = $ENV{STRICT} // 1;
my $min_prox = $ENV{MIN_PROX} // 90;

# --- gslb.yaml (the subset this benchmark uses, in its own layout)
my (@regions, %region, %addr_region, @geo, $first_pool);
open my $y, '<', $yaml or die "$yaml: $!\n";
my ($pool, $in_geo);
while (<$y>) {
    if (/^\s*- \{name: ([\w-]+),\s*lat: (-?[\d.]+),\s*lon: (-?[\d.]+),\s*continent: (\w+),\s*country: (\w+)\}/) {
        push @regions, $1;
        $region{$1} = { lat => $2, lon => $3 };
    }
    $pool = $1 if /^\s*- name: ([\w-]+)\s*$/ && !/\./;
    if (/^\s*region: ([\w-]+)/) { $region{$1}{pool} = $pool }
    while (/address: ([\d.]+)/g) { $addr_region{$1} = $pool }
    $first_pool //= $1 if /^\s*- \{pool: ([\w-]+)/;
    if (/^\s*geo:\s*$/) { $in_geo = 1; @geo = () }
    elsif ($in_geo && /^\s*- \{match: "?([^",]+)"?, pools: \[([^\]]*)\]\}/) {
        push @geo, [$1, [split /,\s*/, $2]];
    } elsif ($in_geo && !/^\s*- \{match/) { $in_geo = 0 }
}
close $y;
die "$yaml: no regions, members or geo map found\n" unless @regions && %addr_region && @geo;

my $reader = MaxMind::DB::Reader->new(file => $mmdb);
sub locate {
    my $ecs = shift;
    return undef if $ecs eq 'none';
    my ($addr) = split m{/}, $ecs;
    my $r = $reader->record_for_address($addr) or return undef;
    return {
        continent => $r->{continent}{code}, country => $r->{country}{iso_code},
        lat => $r->{location}{latitude}, lon => $r->{location}{longitude},
    };
}
sub km {
    my ($la1, $lo1, $la2, $lo2) = map { $_ * 3.14159265358979 / 180 } @_;
    my $h = sin(($la2 - $la1) / 2)**2 + cos($la1) * cos($la2) * sin(($lo2 - $lo1) / 2)**2;
    return 2 * 6371.0088 * atan2(sqrt($h), sqrt(1 - $h));
}
sub nearest {
    my $loc = shift;
    return ($first_pool, 0) unless $loc;
    my @d = sort { $a->[1] <=> $b->[1] } map { [$_, km($loc->{lat}, $loc->{lon}, $region{$_}{lat}, $region{$_}{lon})] } @regions;
    return ($region{ $d[0][0] }{pool}, $d[1][1] - $d[0][1]);   # and the margin to the second
}
sub geo_pool {
    my $loc = shift;
    my ($best, $rank) = (undef, 0);
    for my $e (@geo) {
        my ($m, $pools) = @$e;
        my $r = $m eq 'default' ? 1
            : ($loc && $m eq "continent:$loc->{continent}") ? 2
            : ($loc && $m eq "country:$loc->{country}") ? 3 : 0;
        ($best, $rank) = ($pools->[0], $r) if $r > $rank;
    }
    return $best;
}

# --- samples and expectations
my @q;
open my $s, '<', $samples or die "$samples: $!\n";
while (<$s>) {
    my ($name, $type, $ecs) = /^(\S+) (\S+) ecs=(\S+)/ or next;
    my ($label) = $name =~ /^([^.]+)/;
    my $loc = locate($ecs);
    my ($near, $margin) = nearest($loc);
    my $exp = $label eq 'geo' ? geo_pool($loc) : ($label eq 'prox' || $label eq 'lat') ? $near : undef;
    push @q, { label => $label, ecs => $ecs, loc => $loc, exp => $exp, margin => $margin };
}
close $s;

# --- responses
my $fatal = 0;
my (%stat, @problems, %diff, %share, %scope, %got);
for my $arg (@servers) {
    my ($srv, $file) = split /=/, $arg, 2;
    open my $d, '<', $file or die "$file: $!\n";
    my @resp;
    my $cur;
    while (<$d>) {
        if (/->>HEADER<<-.*status: (\w+)/) { push @resp, $cur = { rcode => $1, a => [] }; next }
        if (/connection timed out|communications error|no servers could be reached/) { push @resp, $cur = { rcode => 'TIMEOUT', a => [] }; next }
        next unless $cur;
        $cur->{aa} = / aa[ ;]/ ? 1 : 0 if /^;; flags:/;
        $cur->{scope} = $1 if /CLIENT-SUBNET: \S+\/\d+\/(\d+)/;
        push @{ $cur->{a} }, $1 if /^\S+\s+\d+\s+IN\s+A\s+(\S+)/;
        push @{ $cur->{other} }, $_ if /^\S+\s+\d+\s+IN\s+(?!A\s)/ && !/^;/;
    }
    close $d;
    if (@resp != @q) {
        push @problems, "$srv: $file has " . scalar(@resp) . " responses for " . scalar(@q) . " queries";
        $fatal = 1;
        next;
    }
    for my $i (0 .. $#q) {
        my ($qq, $r) = ($q[$i], $resp[$i]);
        my $what = "$srv: $qq->{label} ecs=$qq->{ecs}";
        if ($r->{rcode} ne 'NOERROR' || !$r->{aa} || @{ $r->{a} } != 1 || !exists $addr_region{ $r->{a}[0] }) {
            push @problems, "$what: $r->{rcode}" . ($r->{aa} ? ' aa' : ' no-aa') . ', answer [' . join(' ', @{ $r->{a} }) . ']';
            $fatal = 1;
            next;
        }
        my $got = $addr_region{ $r->{a}[0] };
        $got{$srv}[$i] = $got;
        my $st = $stat{$srv}{ $qq->{label} } //= { n => 0, ok => 0 };
        $st->{n}++;
        $share{$srv}{ $qq->{label} }{$got}++;
        $scope{$srv}{ $qq->{label} }{ $r->{scope} // 'none' }++;
        if (!defined $qq->{exp} || $got eq $qq->{exp}) { $st->{ok}++; next }
        my $l = $qq->{loc};
        push @{ $diff{$srv}{ $qq->{label} } }, sprintf('%s (%s)%s: expected %s, got %s',
            $qq->{ecs}, $l ? "$l->{country}, $l->{lat},$l->{lon}" : 'unlocated',
            $qq->{margin} ? sprintf(', %.0f km nearer than the runner-up', $qq->{margin}) : '', $qq->{exp}, $got);
    }
}

# --- report
my @names = qw(prox lat geo wrr);
open my $o, '>', $out or die "$out: $!\n";
print $o "## Answer check (before measuring)\n\n";
printf $o "%d sample queries per server (%d distinct client subnets, from the benchmark's own query mix) were answered by every server and compared with the expectation computed from gslb.yaml and the MaxMind DB (great-circle nearest region for prox and lat, the geo map for geo; unlocated clients get the first pool). Share of answers as expected:\n\n",
    scalar(@q), scalar(keys %{ { map { $_->{ecs} => 1 } @q } });
print $o "| server | " . join(' | ', @names) . " | wrr answers by region | ECS scope of prox answers |\n";
print $o "|---|" . ('---:|' x @names) . "---|---|\n";
for my $arg (@servers) {
    my ($srv) = split /=/, $arg;
    next unless $stat{$srv};
    my @cells;
    for my $n (@names) {
        my $st = $stat{$srv}{$n};
        push @cells, !$st ? '–' : $n eq 'wrr' ? "$st->{n} ok" : sprintf('%.0f%% (%d/%d)', 100 * $st->{ok} / $st->{n}, $st->{ok}, $st->{n});
    }
    my $w = $share{$srv}{wrr} // {};
    my $wn = 0;
    $wn += $_ for values %$w;
    my $wtxt = join(', ', map { sprintf('%s %.0f%%', $_, 100 * ($w->{ $region{$_}{pool} } // 0) / ($wn || 1)) } @regions);
    my $sc = $scope{$srv}{prox} // {};
    my $sn = 0;
    $sn += $_ for values %$sc;
    my @sk = sort { $sc->{$b} <=> $sc->{$a} || $a cmp $b } keys %$sc;
    my $stxt = join(', ', map { sprintf('%s %.0f%%', ($_ eq 'none' ? 'no ECS option' : "/$_"), 100 * $sc->{$_} / ($sn || 1)) } @sk[0 .. ($#sk < 3 ? $#sk : 3)]);
    if (@sk > 4) {
        my $rest = 0;
        $rest += $sc->{$_} for @sk[4 .. $#sk];
        $stxt .= sprintf(', %d others %.0f%%', @sk - 4, 100 * $rest / ($sn || 1));
    }
    print $o "| $srv | " . join(' | ', @cells) . " | $wtxt | $stxt |\n";
    if ($strict) {
        my $g = $stat{$srv}{geo};
        my $p = $stat{$srv}{prox};
        if ($g && $g->{ok} != $g->{n}) { push @problems, "$srv: geo answers differ from the geo map (strict)"; $fatal = 1 }
        if ($p && 100 * $p->{ok} / $p->{n} < $min_prox) { push @problems, "$srv: fewer than $min_prox% of prox answers are the nearest region (strict)"; $fatal = 1 }
    }
}
print $o "\nwrr expectation: pool weights 3/3/2/1/1, i.e. 30/30/20/10/10 %.\n";
# Pairwise: the same region for the same client, server against server.
my @srvs = grep { $got{$_} } map { (split /=/)[0] } @servers;
if (@srvs > 1) {
    print $o "\nSame region as another server for the same client (prox, lat, geo):\n\n";
    print $o "| servers | prox | lat | geo |\n|---|---:|---:|---:|\n";
    for my $a (0 .. $#srvs - 1) {
        for my $b ($a + 1 .. $#srvs) {
            my (%n, %same);
            for my $i (0 .. $#q) {
                my $l = $q[$i]{label};
                next if $l eq 'wrr' || !defined $got{ $srvs[$a] }[$i] || !defined $got{ $srvs[$b] }[$i];
                $n{$l}++;
                $same{$l}++ if $got{ $srvs[$a] }[$i] eq $got{ $srvs[$b] }[$i];
            }
            print $o "| $srvs[$a] – $srvs[$b] | " . join(' | ', map { $n{$_} ? sprintf('%.0f%%', 100 * ($same{$_} // 0) / $n{$_}) : '–' } qw(prox lat geo)) . " |\n";
        }
    }
}
for my $arg (@servers) {
    my ($srv) = split /=/, $arg;
    for my $n (@names) {
        my $d = $diff{$srv}{$n} or next;
        printf $o "\n%s, %s: %d answer(s) not as expected%s:\n\n", $srv, $n, scalar(@$d), @$d > 12 ? ' (first 12)' : '';
        print $o "- $_\n" for @$d[0 .. ($#$d < 11 ? $#$d : 11)];
    }
}
if (@problems) {
    print $o "\nProblems:\n\n";
    print $o "- $_\n" for @problems[0 .. ($#problems < 29 ? $#problems : 29)];
}
close $o;
print STDERR "$_\n" for @problems[0 .. ($#problems < 29 ? $#problems : 29)];
exit $fatal;
