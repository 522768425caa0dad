-- A new network with its provenance; its size and extent are filled in once its topology is built.
INSERT INTO road_network (name, source, version, licence, declared_crs, synthetic, filename, file_sha256, note,
                          imported_by_account_id, imported_by)
VALUES (:name, :source, :version, :licence, :crs, :synthetic, :filename, :sha256, :note, :account, :actor)
RETURNING id;
