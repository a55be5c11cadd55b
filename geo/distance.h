// Great-circle distance between two places on Earth, for proximity ranking.
#pragma once

namespace geo {

inline constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius

// Haversine distance in kilometres between (lat1, lon1) and (lat2, lon2),
// in degrees. Well-conditioned for small distances, as proximity needs.
double great_circle_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace geo
