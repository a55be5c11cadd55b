#!/usr/bin/perl
# Writes a small GeoIP2-City-schema MaxMind DB for tests: networks on several
# continents with country, continent and location, as the official databases
# carry them. Usage: make_test_mmdb.pl OUT.mmdb [moved]
# "moved" writes the same database with 198.51.100.0/24 in Sydney instead of
# New York: a replacement file for the GeoIP reload tests.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT.mmdb [moved]\n";
my $variant = shift // '';
my %types = (
    continent => 'map', country => 'map', location => 'map', names => 'map',
    code => 'utf8_string', iso_code => 'utf8_string', en => 'utf8_string',
    latitude => 'double', longitude => 'double', geoname_id => 'uint32',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6, record_size => 28, database_type => 'GeoIP2-City',
    languages => ['en'], description => { en => 'gslb test data' },
    map_key_type_callback => sub { $types{ $_[0] } // 'utf8_string' },
    merge_strategy => 'none', remove_reserved_networks => 0,
);
# network, continent, country, latitude, longitude
my @rows = (
    ['198.51.100.0/24', 'NA', 'US', 40.7, -74.0],
    ['203.0.113.0/25',  'EU', 'DE', 50.1, 8.7],
    ['203.0.113.128/25', 'AS', 'JP', 35.7, 139.7],
    ['192.0.2.0/24',    'OC', 'AU', -33.9, 151.2],
    ['2001:db8:1::/48', 'EU', 'FR', 48.9, 2.4],
    ['2001:db8:2::/48', 'SA', 'BR', -23.5, -46.6],
);
@{ $rows[0] } = ('198.51.100.0/24', 'OC', 'AU', -33.9, 151.2) if $variant eq 'moved';
for my $r (@rows) {
    my ($net, $continent, $country, $lat, $lon) = @$r;
    $tree->insert_network($net, {
        continent => { code => $continent, names => { en => $continent } },
        country   => { iso_code => $country, names => { en => $country } },
        location  => { latitude => $lat, longitude => $lon },
    });
}
open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh;
