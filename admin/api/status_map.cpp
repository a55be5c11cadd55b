// The status page's world map: an equirectangular projection of hand-drawn, deliberately
// coarse land outlines (lon/lat points traced by eye from an atlas, a few dozen per
// landmass: enough to tell where a region is, small enough to live in the source), a
// 30-degree graticule, and a marker per region coloured by its health.
#include <algorithm>
#include <cstdio>
#include <span>
#include <string>

#include "admin/api/status_html.h"

namespace admin::api {
namespace {

struct LonLat {
  double lon;
  double lat;
};

constexpr LonLat kNorthAmerica[] = {
    {-168, 66},     {-162, 70},     {-156, 71.3}, {-141, 69.6}, {-128, 70},     {-117, 69},
    {-95, 71},      {-90, 69},      {-82, 69},    {-80, 63},    {-94, 59},      {-92, 57},
    {-82, 55},      {-79, 51},      {-77, 55},    {-77, 60},    {-70, 61},      {-64, 60},
    {-61, 56},      {-56, 52},      {-60, 47},    {-66, 45},    {-70, 43},      {-70, 41.5},
    {-74, 40.5},    {-76, 37},      {-76, 35},    {-81, 31},    {-80, 27},      {-80.5, 25},
    {-82, 27},      {-83, 29.5},    {-85, 30},    {-89, 30},    {-90, 29},      {-94, 29.5},
    {-97, 27.5},    {-97.5, 23},    {-97, 21},    {-95, 18.5},  {-91, 19},      {-90.5, 21},
    {-87, 21.5},    {-88, 16},      {-84, 15.5},  {-83.5, 11},  {-81.5, 9},     {-79, 9.5},
    {-77.5, 8.5},   {-80, 7.5},     {-83, 8.5},   {-86, 11.5},  {-88, 13.5},    {-92, 14.5},
    {-96, 15.7},    {-101, 17.5},   {-105, 20},   {-105.5, 23}, {-108, 25.5},   {-111, 28},
    {-113, 31},     {-114.7, 31.8}, {-113, 29},   {-112, 27},   {-110.5, 24},   {-110, 23},
    {-111.5, 24.5}, {-112.5, 26.5}, {-114.5, 28}, {-116, 30.5}, {-117.1, 32.5}, {-120.5, 34.5},
    {-122.5, 37.5}, {-124, 40},     {-124.5, 43}, {-124, 46.5}, {-123, 48.5},   {-127, 50},
    {-130, 54},     {-133, 57},     {-137, 58.5}, {-140, 60},   {-146, 61},     {-150, 61},
    {-152, 58},     {-156, 57},     {-162, 55},   {-158, 57},   {-157, 58.5},   {-162, 59.5},
    {-165, 62},     {-164, 64},     {-166, 65.5},
};

constexpr LonLat kGreenland[] = {
    {-73, 78}, {-67, 80.5}, {-60, 82}, {-40, 83.5}, {-22, 82.5}, {-18, 80},
    {-20, 75}, {-22, 71},   {-26, 68}, {-34, 66},   {-40, 65},   {-43, 60},
    {-48, 61}, {-51, 64},   {-54, 67}, {-54, 70},   {-57, 74},   {-64, 76},
};

constexpr LonLat kSouthAmerica[] = {
    {-77.5, 8.5},   {-75, 11},      {-72, 12},      {-68, 10.5},  {-62, 10.7},    {-60, 8.5},
    {-57, 6},       {-52, 5},       {-50, 1.5},     {-48, -1},    {-44, -2.5},    {-39, -3.5},
    {-35, -5.5},    {-35, -9},      {-38.5, -13},   {-39, -17.5}, {-40.5, -21.5}, {-43, -23},
    {-48, -25.5},   {-48.5, -28},   {-51, -31},     {-53, -34},   {-57, -35},     {-57, -38},
    {-62, -39},     {-65, -41},     {-63.5, -42.5}, {-65, -45},   {-67.5, -46.5}, {-66, -48},
    {-68.5, -50.5}, {-68.5, -52.5}, {-69.5, -54},   {-72, -54},   {-74.5, -52},   {-75.5, -47},
    {-73.5, -43},   {-73.5, -37},   {-71.5, -32},   {-71.5, -28}, {-70.5, -23},   {-70.3, -18},
    {-72, -17},     {-76, -14},     {-78, -10},     {-81, -6},    {-80.5, -3.5},  {-80.5, -1},
    {-79.5, 1},     {-78, 2.5},     {-77.5, 4},     {-77.5, 7},
};

// Europe and Asia are one landmass; the Mediterranean and Black Sea coasts close it.
constexpr LonLat kEurasia[] = {
    {-9.5, 37},    {-9, 39},     {-9.3, 43},    {-8, 43.7},   {-2, 43.4},    {-1.2, 46},
    {-4.6, 48.4},  {-1.5, 48.7}, {1.5, 50},     {3, 51.2},    {4.5, 52.5},   {8.5, 53.7},
    {8.2, 57},     {10.5, 57.7}, {10.5, 56},    {12.5, 55},   {11, 54},      {14, 54},
    {18, 54.7},    {21, 56},     {21.5, 57.5},  {24, 57.3},   {23.5, 59.3},  {30, 60},
    {22.5, 60},    {21.5, 63.5}, {25, 65},      {22, 65.5},   {17.5, 62.5},  {19, 60},
    {16.5, 57},    {14.5, 55.5}, {11, 58.8},    {8.5, 58},    {5, 60},       {5, 62},
    {10, 64},      {14, 67},     {18, 69.5},    {23, 70.5},   {29, 71},      {31, 70},
    {40, 67.5},    {43, 66.5},   {44, 68.5},    {53, 68.5},   {60, 69.5},    {68, 69},
    {73, 72.5},    {80, 73},     {87, 75},      {100, 77},    {105, 78},     {113, 74},
    {129, 73},     {140, 72.5},  {150, 71.5},   {160, 70},    {170, 70},     {180, 68.5},
    {180, 65},     {178, 64.5},  {174, 62},     {170, 60},    {163, 60},     {162, 57},
    {156, 51},     {156, 57},    {160, 61.5},   {155, 59.5},  {148, 59.5},   {142, 59},
    {137, 54},     {141, 52},    {140, 48},     {135, 43},    {131, 42.5},   {129, 40.5},
    {128, 38.5},   {129, 35.3},  {126.5, 34.5}, {126, 37.5},  {125, 39.5},   {121.5, 39},
    {122, 40.5},   {119, 39.5},  {118, 38},     {122.5, 37},  {120.5, 36},   {120, 34},
    {121.5, 31.5}, {122, 29.5},  {120, 26},     {117, 23.5},  {113.5, 22.3}, {110, 21},
    {108, 21.5},   {106, 19},    {108.5, 15},   {109, 12},    {107, 10.5},   {105, 8.7},
    {104.5, 10.5}, {103, 11},    {101, 13},     {99.5, 10.5}, {100, 7},      {103, 5.5},
    {104.3, 1.3},  {103, 1.5},   {100.5, 4},    {98.5, 8},    {98, 13.5},    {97.5, 17},
    {94.5, 16},    {94, 19},     {92, 21.5},    {90, 22},     {86.5, 20.5},  {85, 19.5},
    {82, 16.5},    {80.2, 13},   {79.8, 10},    {77.5, 8},    {76, 10},      {74.5, 14},
    {73, 19},      {72.5, 21.5}, {70, 22.5},    {68, 23.7},   {66.5, 25.3},  {61.5, 25.2},
    {57.5, 25.7},  {56.5, 27},   {54, 26.7},    {51.5, 27.9}, {50, 30},      {48, 30},
    {48.5, 28.5},  {50, 26},     {51.5, 24.5},  {54, 24},     {56, 26},      {56.5, 24.5},
    {59.5, 22.5},  {58.5, 20.5}, {55, 17},      {52, 15.5},   {48, 14},      {45, 12.8},
    {43.5, 12.7},  {42.7, 15.5}, {39, 21.5},    {37, 25},     {35, 28},      {34.5, 29.5},
    {32.5, 30},    {34, 31.5},   {35, 33},      {36, 36},     {32.5, 36.5},  {30, 36.3},
    {27.3, 37},    {26.3, 39.5}, {29, 41.2},    {31, 41.1},   {36, 41.7},    {41.5, 41.5},
    {39.5, 44},    {37.5, 44.8}, {38.5, 47},    {35, 45.5},   {33.5, 44.5},  {32.5, 45.5},
    {30.5, 46.5},  {29.5, 45},   {28.5, 43.5},  {28, 42},     {26, 40.8},    {23.5, 40},
    {24, 38},      {22, 36.5},   {21, 38.5},    {19.5, 40.5}, {19.5, 42},    {16, 43.5},
    {13.5, 45.7},  {12.3, 45.3}, {12.5, 44},    {14, 42},     {16, 41.4},    {18.5, 40.2},
    {17, 39},      {15.7, 40},   {16, 38},      {14, 40.8},   {11, 42.5},    {10, 44},
    {8.5, 44.3},   {7, 43.6},    {4.5, 43.5},   {3, 43},      {3.2, 41.9},   {0.8, 41},
    {0, 39.5},     {-0.5, 38.2}, {-2, 36.7},    {-5.5, 36},   {-6.5, 36.8},
};

constexpr LonLat kAfrica[] = {
    {-5.9, 35.8}, {-2, 35.1},    {3, 36.8},     {10, 37.3},    {11, 35},      {10.5, 33.5},
    {15.5, 31.5}, {19, 30.3},    {20, 32},      {23, 32.6},    {25, 31.6},    {29, 30.9},
    {32.3, 31.3}, {32.5, 30},    {33.5, 27.5},  {35.5, 24},    {37.2, 21},    {38.5, 18},
    {39.5, 15.5}, {42.5, 12.8},  {43.3, 11.8},  {44.5, 10.4},  {51.2, 11.8},  {51, 10.4},
    {48, 4.5},    {46, 2},       {41.5, -1.5},  {40, -3.5},    {39.2, -6.5},  {39.5, -10},
    {40.5, -15},  {37, -17.5},   {35, -20},     {35.5, -24},   {32.7, -26},   {32.5, -28.6},
    {30, -31.3},  {27, -33.5},   {22.5, -34},   {18.5, -34.2}, {18, -32},     {17.2, -29},
    {15.2, -27},  {14.5, -23},   {11.8, -17},   {12.2, -14},   {13.5, -11.5}, {12.2, -6},
    {9, -1},      {9.5, 2.5},    {9.5, 4},      {8.5, 4.5},    {6, 4.3},      {4.5, 6.3},
    {1.5, 6.1},   {-2, 4.8},     {-7.5, 4.4},   {-9.5, 5.5},   {-12.5, 7.5},  {-13.5, 9.5},
    {-15, 11},    {-16.8, 12.5}, {-17.5, 14.7}, {-16.5, 16.5}, {-16, 19},     {-17, 21},
    {-14.5, 26},  {-13, 27.7},   {-9.8, 29.5},  {-9.8, 31.5},  {-8.5, 33.3},  {-6.8, 34},
};

constexpr LonLat kMadagascar[] = {
    {49.3, -12},   {50.5, -15.5}, {49.5, -17},   {47.5, -24.5}, {45.2, -25.5},
    {43.7, -23.5}, {44, -20},     {44.5, -16.5}, {47, -15.5},
};

constexpr LonLat kAustralia[] = {
    {113.5, -22},   {114, -26},     {115, -30},     {115.5, -34}, {118, -35},     {121, -34},
    {124, -33},     {129, -31.5},   {131.5, -31.5}, {134, -32.7}, {137.5, -35.5}, {138.5, -34.5},
    {140, -37.5},   {143.5, -38.8}, {146.5, -39},   {150, -37.5}, {151, -34},     {153, -31},
    {153.5, -28},   {153, -25},     {151, -23},     {149, -20.5}, {146.5, -19},   {145.5, -15},
    {143.5, -14},   {142.5, -10.7}, {141.5, -13.5}, {141.5, -17}, {139.5, -17.5}, {136, -15.5},
    {136.8, -12.2}, {132.5, -11.5}, {130.5, -12.5}, {129.5, -15}, {126.5, -14},   {124, -16.5},
    {122, -18.5},   {119, -20},     {116, -21},
};

constexpr LonLat kAntarctica[] = {
    {-180, -78}, {-150, -76}, {-120, -73}, {-90, -72}, {-60, -64},  {-55, -63}, {-60, -73},
    {-40, -78},  {-10, -71},  {20, -70},   {50, -67},  {80, -67},   {110, -66}, {140, -66.5},
    {165, -72},  {170, -78},  {180, -78},  {180, -90}, {-180, -90},
};

constexpr LonLat kBritain[] = {
    {-5.7, 50},   {1.4, 51.2},  {1.7, 52.7},  {0.2, 53.5},  {-1.5, 55},   {-2, 56},
    {-1.8, 57.6}, {-3.5, 58.6}, {-5, 58.6},   {-6, 57.5},   {-5.6, 55.5}, {-4.8, 54.8},
    {-3, 54},     {-3, 53.3},   {-4.6, 52.8}, {-5.2, 51.7}, {-3, 51.4},
};

constexpr LonLat kIreland[] = {
    {-6, 52.2}, {-6.2, 54}, {-5.5, 54.5}, {-7.3, 55.3}, {-8.5, 54.5}, {-10, 53.5}, {-9.5, 51.7},
};

constexpr LonLat kIceland[] = {
    {-22, 64}, {-22.5, 65.5}, {-18, 66.2}, {-14.5, 66}, {-13.5, 65}, {-18.5, 63.4},
};

constexpr LonLat kJapan[] = {
    {130, 31.5}, {131, 33.5}, {132.5, 35.3}, {136, 35.8}, {139.5, 38}, {140, 40.5},   {141.5, 41.3},
    {142, 39.5}, {141, 36},   {140, 35},     {137, 34.5}, {135, 33.5}, {131.5, 31.5},
};

constexpr LonLat kHokkaido[] = {{140, 41.5}, {141.5, 45.4}, {145.5, 43.3}, {143.5, 42}};

constexpr LonLat kSumatra[] = {
    {95.3, 5.5}, {98, 4}, {104, -2}, {106, -6}, {104.5, -5.8}, {101, -2.5}, {98.5, 1},
};

constexpr LonLat kBorneo[] = {
    {109, 1.5}, {111, 2.5}, {117, 7}, {119, 5}, {118, 1}, {116, -4}, {110, -3},
};

constexpr LonLat kJava[] = {{105, -6.8}, {114.5, -7.8}, {114.5, -8.7}, {106, -7.5}};

constexpr LonLat kNewGuinea[] = {
    {131, -1.5}, {138, -1.5}, {145, -4},   {150.5, -10.5}, {147, -10.2},
    {143.5, -9}, {141, -9.2}, {138, -8.3}, {134.5, -4},
};

constexpr LonLat kPhilippines[] = {
    {120, 18.5}, {122.5, 18.3}, {124, 12.5}, {126, 7}, {125.5, 6}, {122, 7}, {121, 13.5}, {120, 16},
};

constexpr LonLat kNewZealandNorth[] = {
    {172.7, -34.5}, {178.5, -37.7}, {177, -39.5}, {175, -41.5}, {174.5, -39},
};

constexpr LonLat kNewZealandSouth[] = {
    {172.5, -40.5}, {174.3, -41.7}, {172.5, -43.8}, {171, -44.5},
    {169, -46.6},   {166.5, -46},   {168, -44},
};

constexpr LonLat kCuba[] = {{-85, 21.9}, {-80, 23.2}, {-74.2, 20.2}, {-77.5, 19.9}, {-81, 21.6}};

constexpr std::span<const LonLat> kLand[] = {
    kNorthAmerica,    kGreenland,       kSouthAmerica, kEurasia, kAfrica,    kMadagascar,
    kAustralia,       kAntarctica,      kBritain,      kIreland, kIceland,   kJapan,
    kHokkaido,        kSumatra,         kBorneo,       kJava,    kNewGuinea, kPhilippines,
    kNewZealandNorth, kNewZealandSouth, kCuba,
};

// Coordinates with one decimal: a tenth of a unit is far below what anyone can see.
std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string polygon(std::span<const LonLat> outline) {
  std::string points;
  for (const LonLat& p : outline) {
    const MapPoint m = project(p.lat, p.lon);
    points += (points.empty() ? "" : " ") + number(m.x) + "," + number(m.y);
  }
  return "<polygon class=\"land\" points=\"" + points + "\"/>";
}

std::string graticule() {
  std::string lines;
  for (int lon = -150; lon <= 150; lon += 30) {
    const std::string x = number(project(0, lon).x);
    lines += "<line x1=\"" + x + "\" y1=\"0\" x2=\"" + x + "\" y2=\"" + number(kMapHeight) + "\"/>";
  }
  for (int lat = -60; lat <= 60; lat += 30) {
    const std::string y = number(project(lat, 0).y);
    lines += "<line x1=\"0\" y1=\"" + y + "\" x2=\"" + number(kMapWidth) + "\" y2=\"" + y + "\"/>";
  }
  return "<g class=\"graticule\">" + lines + "</g>";
}

// A dashed ring round a marker whose region has something forced out of answers (an admin
// state or a running drill): the colour stays the probed health.
std::string forced_ring(const RegionStatus& region, const MapPoint& at) {
  if (region.forced.empty()) return "";
  std::string why;
  for (const std::string& f : region.forced) why += "; " + f;
  return "<circle class=\"forced\" cx=\"" + number(at.x) + "\" cy=\"" + number(at.y) +
         "\" r=\"10\"><title>" + html_escape(why.substr(2)) + "</title></circle>";
}

// Names go right of the marker, or left of it near the east edge so they stay on the map.
std::string marker(const RegionStatus& region) {
  const MapPoint at = project(region.latitude, region.longitude);
  const bool east_edge = at.x > kMapWidth - 90;
  const std::string name = html_escape(region.name);
  const std::string health = to_string(region.health);
  return "<g class=\"region\" data-region=\"" + name + "\" data-health=\"" + health + "\">" +
         "<title>" + name + ": " + health + " (" + std::to_string(region.up) + " up, " +
         std::to_string(region.down) + " down, " + std::to_string(region.unknown) +
         " unknown)</title>" + forced_ring(region, at) + "<circle cx=\"" + number(at.x) +
         "\" cy=\"" + number(at.y) + "\" r=\"6\" fill=\"" + health_colour(region.health) + "\"/>" +
         "<text x=\"" + number(at.x + (east_edge ? -9 : 9)) + "\" y=\"" + number(at.y + 4) + "\"" +
         (east_edge ? " text-anchor=\"end\"" : "") + ">" + name + "</text></g>";
}

}  // namespace

MapPoint project(double latitude, double longitude) {
  const double lat = std::clamp(latitude, -90.0, 90.0);
  const double lon = std::clamp(longitude, -180.0, 180.0);
  return {(lon + 180.0) * kMapWidth / 360.0, (90.0 - lat) * kMapHeight / 180.0};
}

const char* health_colour(RegionHealth health) {
  switch (health) {
    case RegionHealth::kHealthy:
      return "#2e9d4a";
    case RegionHealth::kDegraded:
      return "#e0a100";
    case RegionHealth::kDown:
      return "#d12c2c";
    case RegionHealth::kUnknown:
      break;
  }
  return "#8a8f98";
}

std::string render_world_map(const std::vector<RegionStatus>& regions) {
  std::string svg = "<svg class=\"map\" viewBox=\"0 0 " + number(kMapWidth) + " " +
                    number(kMapHeight) +
                    "\" role=\"img\" aria-label=\"World map of regions and their health\">";
  svg += "<rect class=\"ocean\" width=\"" + number(kMapWidth) + "\" height=\"" +
         number(kMapHeight) + "\"/>";
  svg += graticule();
  svg += "<g class=\"continents\">";
  for (const std::span<const LonLat> outline : kLand) svg += polygon(outline);
  svg += "</g><g class=\"regions\">";
  for (const RegionStatus& region : regions) svg += marker(region);
  return svg + "</g></svg>";
}

}  // namespace admin::api
