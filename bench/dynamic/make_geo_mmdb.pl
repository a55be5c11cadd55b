#!/usr/bin/perl
# Writes the dynamic benchmark's GeoIP2-City-schema MaxMind DB (Debian's
# libmaxmind-db-writer-perl, as tests/data/make_test_mmdb.pl) and a list of its
# client networks for the query generator. Deterministic: fixed seed, fixed
# insertion order, so every run (and every machine) gets the same file.
#
#   make_geo_mmdb.pl OUT.mmdb OUT.networks.tsv
#
# Contents:
#   - client networks: ~4000 IPv4 (/16../24) and ~400 IPv6 (/32../48),
#     spread over 45 cities in 30 countries on six continents, each with
#     continent, country, city, coordinates (the city's, jittered by up to
#     ±0.3°), accuracy radius and time zone, as GeoIP2-City records carry
#     them. IPv4 networks sit in public /8s; IPv6 ones in the RIR /12 of
#     their continent (2400::/12 AS+OC, 2600::/12 NA, 2800::/12 SA,
#     2a00::/12 EU, 2c00::/12 AF).
#   - the pool members' networks 198.18.R.0/24, located at their region
#     (see gslb.yaml): PowerDNS's pickclosest() ranks candidate addresses by
#     looking *them* up in the database, so the members must be in it.
#   - IPv4 aliases in IPv6 (::ffff:0:0/96, 2001::/32, 2002::/16) as in
#     MaxMind's own databases.
# The TSV lists the client networks only: network, continent, country, city,
# latitude, longitude.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, $tsv) = @ARGV;
die "usage: $0 OUT.mmdb OUT.networks.tsv\n" unless defined $tsv;
srand(20261123);

my $N4 = $ENV{GEO_NETS_V4} // 4000;
my $N6 = $ENV{GEO_NETS_V6} // 400;

# city, country, continent, lat, lon, time zone, weight (share of networks)
my @cities = (
    ['New York',      'US', 'NA',  40.71,  -74.01, 'America/New_York',     8],
    ['Chicago',       'US', 'NA',  41.88,  -87.63, 'America/Chicago',      5],
    ['Dallas',        'US', 'NA',  32.78,  -96.80, 'America/Chicago',      4],
    ['Los Angeles',   'US', 'NA',  34.05, -118.24, 'America/Los_Angeles',  6],
    ['Seattle',       'US', 'NA',  47.61, -122.33, 'America/Los_Angeles',  3],
    ['Toronto',       'CA', 'NA',  43.65,  -79.38, 'America/Toronto',      3],
    ['Vancouver',     'CA', 'NA',  49.28, -123.12, 'America/Vancouver',    2],
    ['Mexico City',   'MX', 'NA',  19.43,  -99.13, 'America/Mexico_City',  3],
    ['Sao Paulo',     'BR', 'SA', -23.55,  -46.63, 'America/Sao_Paulo',    5],
    ['Fortaleza',     'BR', 'SA',  -3.73,  -38.52, 'America/Fortaleza',    2],
    ['Buenos Aires',  'AR', 'SA', -34.60,  -58.38, 'America/Argentina/Buenos_Aires', 3],
    ['Santiago',      'CL', 'SA', -33.45,  -70.67, 'America/Santiago',     2],
    ['Bogota',        'CO', 'SA',   4.71,  -74.07, 'America/Bogota',       2],
    ['Lima',          'PE', 'SA', -12.05,  -77.04, 'America/Lima',         2],
    ['Frankfurt',     'DE', 'EU',  50.11,    8.68, 'Europe/Berlin',        4],
    ['Berlin',        'DE', 'EU',  52.52,   13.40, 'Europe/Berlin',        3],
    ['Paris',         'FR', 'EU',  48.86,    2.35, 'Europe/Paris',         4],
    ['London',        'GB', 'EU',  51.51,   -0.13, 'Europe/London',        5],
    ['Amsterdam',     'NL', 'EU',  52.37,    4.90, 'Europe/Amsterdam',     3],
    ['Madrid',        'ES', 'EU',  40.42,   -3.70, 'Europe/Madrid',        3],
    ['Milan',         'IT', 'EU',  45.46,    9.19, 'Europe/Rome',          3],
    ['Warsaw',        'PL', 'EU',  52.23,   21.01, 'Europe/Warsaw',        2],
    ['Stockholm',     'SE', 'EU',  59.33,   18.07, 'Europe/Stockholm',     2],
    ['Moscow',        'RU', 'EU',  55.76,   37.62, 'Europe/Moscow',        4],
    ['Kyiv',          'UA', 'EU',  50.45,   30.52, 'Europe/Kyiv',          2],
    ['Tokyo',         'JP', 'AS',  35.68,  139.69, 'Asia/Tokyo',           6],
    ['Osaka',         'JP', 'AS',  34.69,  135.50, 'Asia/Tokyo',           3],
    ['Seoul',         'KR', 'AS',  37.57,  126.98, 'Asia/Seoul',           4],
    ['Shanghai',      'CN', 'AS',  31.23,  121.47, 'Asia/Shanghai',        6],
    ['Beijing',       'CN', 'AS',  39.90,  116.40, 'Asia/Shanghai',        5],
    ['Mumbai',        'IN', 'AS',  19.08,   72.88, 'Asia/Kolkata',         4],
    ['Delhi',         'IN', 'AS',  28.61,   77.21, 'Asia/Kolkata',         4],
    ['Singapore',     'SG', 'AS',   1.35,  103.82, 'Asia/Singapore',       3],
    ['Jakarta',       'ID', 'AS',  -6.21,  106.85, 'Asia/Jakarta',         3],
    ['Istanbul',      'TR', 'AS',  41.01,   28.98, 'Europe/Istanbul',      3],
    ['Dubai',         'AE', 'AS',  25.20,   55.27, 'Asia/Dubai',           2],
    ['Tel Aviv',      'IL', 'AS',  32.09,   34.78, 'Asia/Jerusalem',       2],
    ['Johannesburg',  'ZA', 'AF', -26.20,   28.05, 'Africa/Johannesburg',  3],
    ['Cape Town',     'ZA', 'AF', -33.92,   18.42, 'Africa/Johannesburg',  2],
    ['Lagos',         'NG', 'AF',   6.52,    3.38, 'Africa/Lagos',         3],
    ['Cairo',         'EG', 'AF',  30.04,   31.24, 'Africa/Cairo',         3],
    ['Nairobi',       'KE', 'AF',  -1.29,   36.82, 'Africa/Nairobi',       2],
    ['Casablanca',    'MA', 'AF',  33.57,   -7.59, 'Africa/Casablanca',    2],
    ['Sydney',        'AU', 'OC', -33.87,  151.21, 'Australia/Sydney',     4],
    ['Perth',         'AU', 'OC', -31.95,  115.86, 'Australia/Perth',      2],
    ['Auckland',      'NZ', 'OC', -36.85,  174.76, 'Pacific/Auckland',     2],
);
# The five regions of gslb.yaml: their members live in 198.18.R.0/24.
my @regions = (
    # name, R, city, country, continent, lat, lon, time zone
    ['us-east',      0, 'Ashburn',   'US', 'NA',  39.04,  -77.49, 'America/New_York'],
    ['eu-central',   1, 'Frankfurt', 'DE', 'EU',  50.11,    8.68, 'Europe/Berlin'],
    ['ap-northeast', 2, 'Tokyo',     'JP', 'AS',  35.68,  139.69, 'Asia/Tokyo'],
    ['sa-east',      3, 'Sao Paulo', 'BR', 'SA', -23.55,  -46.63, 'America/Sao_Paulo'],
    ['af-south',     4, 'Cape Town', 'ZA', 'AF', -33.92,   18.42, 'Africa/Johannesburg'],
);
my %continent_name = (AF => 'Africa', AS => 'Asia', EU => 'Europe', NA => 'North America',
    OC => 'Oceania', SA => 'South America');
my %continent_id = (AF => 6255146, AS => 6255147, EU => 6255148, NA => 6255149, OC => 6255151, SA => 6255150);
my %v6_block = (AS => 0x240, OC => 0x240, NA => 0x260, SA => 0x280, EU => 0x2a0, AF => 0x2c0);

my %types = (
    city => 'map', continent => 'map', country => 'map', location => 'map',
    registered_country => 'map', names => 'map',
    code => 'utf8_string', iso_code => 'utf8_string', en => 'utf8_string', time_zone => 'utf8_string',
    latitude => 'double', longitude => 'double', geoname_id => 'uint32', accuracy_radius => 'uint16',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6, record_size => 28, database_type => 'GeoIP2-City',
    languages => ['en'], description => { en => 'gslb dynamic-answer benchmark data (generated)' },
    map_key_type_callback => sub { $types{ $_[0] } // 'utf8_string' },
    merge_strategy => 'none', remove_reserved_networks => 0, alias_ipv6_to_ipv4 => 1,
);
# A fixed build time (metadata build_epoch), so the file is byte-for-byte
# reproducible; the writer offers this setter for exactly that.
$tree->_set_build_epoch(1700000000);

my %country_id;
my $next_id = 1000;
sub record {
    my ($city, $cc, $cont, $lat, $lon, $tz, $radius) = @_;
    $country_id{$cc} //= $next_id++;
    my $country = { geoname_id => $country_id{$cc}, iso_code => $cc, names => { en => $cc } };
    return {
        city => { geoname_id => 100000 + unpack('%32C*', $city), names => { en => $city } },
        continent => { code => $cont, geoname_id => $continent_id{$cont}, names => { en => $continent_name{$cont} } },
        country => $country,
        registered_country => $country,
        location => { accuracy_radius => $radius, latitude => $lat, longitude => $lon, time_zone => $tz },
    };
}
sub r3 { return sprintf('%.4f', $_[0]) + 0 }

# Weighted choice of a city.
my $wsum = 0;
$wsum += $_->[6] for @cities;
sub pick_city {
    my $x = rand() * $wsum;
    for my $c (@cities) { return $c if ($x -= $c->[6]) < 0 }
    return $cities[-1];
}

# IPv4: public /8s only (no 0, 10, 100, 127, 169, 172, 192, 198, 203, >= 224).
my @slash8 = grep { my $o = $_; !grep { $_ == $o } (0, 10, 100, 127, 169, 172, 192, 198, 203) } 1 .. 223;
my %used4;   # /16 index => [ [first, last], ... ] (32-bit integers)
my @nets;    # [network, continent, country, city, lat, lon]
my $count4 = 0;
while ($count4 < $N4) {
    my $r = rand();
    my $len = $r < 0.05 ? 16 : $r < 0.25 ? 17 + int(rand(4)) : $r < 0.60 ? 21 + int(rand(3)) : 24;
    my $o1 = $slash8[ int(rand(@slash8)) ];
    my $base = ($o1 << 24) | (int(rand(256)) << 16) | int(rand(65536));
    $base &= (0xFFFFFFFF << (32 - $len)) & 0xFFFFFFFF;
    my $last = $base + (1 << (32 - $len)) - 1;
    my $k = $base >> 16;
    next if grep { $_->[0] <= $last && $base <= $_->[1] } @{ $used4{$k} // [] };
    push @{ $used4{$k} }, [$base, $last];
    my $c = pick_city();
    my ($lat, $lon) = (r3($c->[3] + (rand() - 0.5) * 0.6), r3($c->[4] + (rand() - 0.5) * 0.6));
    my $net = join('.', unpack('C4', pack('N', $base))) . "/$len";
    $tree->insert_network($net, record(@$c[0 .. 2], $lat, $lon, $c->[5], $len <= 18 ? 500 : $len <= 21 ? 100 : 20));
    push @nets, [$net, @$c[2, 1, 0], $lat, $lon];
    $count4++;
}

# IPv6: one network per /32, inside the continent's RIR /12.
my %used6;
my $count6 = 0;
while ($count6 < $N6) {
    my $c = pick_city();
    my $hi = ($v6_block{ $c->[2] } << 4) | int(rand(16));   # first 16 bits: 2400..24ff etc.
    my $second = int(rand(65536));
    my $len = 32 + 4 * int(rand(5));                         # /32 /36 /40 /44 /48
    my $k = sprintf('%04x:%04x', $hi, $second);
    next if $used6{$k}++;
    my $third = $len == 32 ? 0 : int(rand(65536)) & ((0xFFFF << (48 - $len)) & 0xFFFF);
    my $net = sprintf('%x:%x:%x::/%d', $hi, $second, $third, $len);
    my ($lat, $lon) = (r3($c->[3] + (rand() - 0.5) * 0.6), r3($c->[4] + (rand() - 0.5) * 0.6));
    $tree->insert_network($net, record(@$c[0 .. 2], $lat, $lon, $c->[5], $len <= 36 ? 500 : 100));
    push @nets, [$net, @$c[2, 1, 0], $lat, $lon];
    $count6++;
}

# Pool members: 198.18.R.0/24 at the region's coordinates.
for my $g (@regions) {
    my ($name, $r, $city, $cc, $cont, $lat, $lon, $tz) = @$g;
    $tree->insert_network("198.18.$r.0/24", record($city, $cc, $cont, $lat, $lon, $tz, 10));
}

open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
open my $th, '>', $tsv or die "$tsv: $!\n";
print $th "# network\tcontinent\tcountry\tcity\tlatitude\tlongitude\n";
print $th join("\t", @$_), "\n" for @nets;
close $th or die "$tsv: $!\n";
printf STDERR "make_geo_mmdb: %d IPv4 + %d IPv6 client networks, %d member networks -> %s\n",
    $count4, $count6, scalar(@regions), $out;
