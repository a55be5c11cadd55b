// The status page and its login form as HTML: one self-contained document each (inline CSS
// and SVG, no script, nothing fetched from elsewhere), every value from the store escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "admin/api/status_page.h"

namespace admin::api {

// How often the page reloads itself (a meta refresh: no script needed).
inline constexpr int kRefreshSeconds = 5;

// Text safe in HTML content and in quoted attribute values: & < > " ' escaped.
std::string html_escape(std::string_view text);

// The whole page for `page`.
std::string render_status_page(const StatusPage& page);
// The login form; `error` (already plain text) shown above it when not empty.
std::string render_login_page(std::string_view error);

// ---- the world map (status_map.cpp) ----

// A point on the map's canvas (kMapWidth x kMapHeight, y down).
struct MapPoint {
  double x = 0;
  double y = 0;
};
inline constexpr double kMapWidth = 720;  // 2 units per degree of longitude
inline constexpr double kMapHeight = 360;

// Equirectangular: longitude -180..180 -> x 0..720, latitude 90..-90 -> y 0..360; values
// outside the ranges are clamped onto the edge.
MapPoint project(double latitude, double longitude);

// The marker fill of each health, shared by the map, the legend and the regions table.
const char* health_colour(RegionHealth health);

// The <svg> map: ocean, graticule, continents, and one marker per region (a <g
// class="region" data-region=NAME data-health=HEALTH> with a circle, a title and the name).
std::string render_world_map(const std::vector<RegionStatus>& regions);

}  // namespace admin::api
