"""National open data kept offline: BAG shop objects, KvK establishments, hidden vacancy."""
