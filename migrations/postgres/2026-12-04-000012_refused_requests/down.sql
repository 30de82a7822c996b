DROP INDEX refused_requests_location_idx;
DROP TABLE refused_requests;
