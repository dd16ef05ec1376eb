"""Data exchange with partner offices (exchange.md): partners and agreements, transfers over
FTP(S), SFTP, HTTPS and operator-imported media, deliveries checked and loaded through
ingest, completeness against authority files (WIPO ST.37), quality reports and the
status table of seed 002."""
