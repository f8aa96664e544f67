-- The push-retry timer (every second) asks for deliveries whose next_attempt_at is due. With an index on state, H2
-- answered it by walking every ROUTED delivery (all mailbox deliveries not yet acknowledged, and every receipt):
-- 30 000 rows and 260 ms per tick after a 15-minute benchmark, growing without bound. Without that index it uses
-- ix_delivery_retry (only deliveries waiting for a retry have a next_attempt_at). The operators' dead-letter list,
-- the other user of the state index, gets an index on the time a delivery was parked (NULL unless parked).
DROP INDEX ix_delivery_state;
CREATE INDEX ix_delivery_parked ON delivery (dead_lettered_at);
