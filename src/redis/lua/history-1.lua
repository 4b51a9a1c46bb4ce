--[[ history-1: the consumer's own pending entries after an ID, as XREADGROUP reads them
(in Redis such a read counts as a delivery; this script changes nothing else), stopping after
the entry whose bytes (ID, field names and values) reach a budget. Entries are read one
XREADGROUP (COUNT 1) each, so no entry is counted as delivered without being answered.

KEYS[1] stream
ARGV[1] group, ARGV[2] consumer, ARGV[3] count, ARGV[4] ID to read after ('0': all),
ARGV[5] byte budget

Returns flat {id, fields, deliveryCount, ...}; fields is nil for an entry deleted from the
stream while still pending.
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
-- Redis uses the largest ID internally to mean '>': XREADGROUP given it reads NEW entries
-- (a delivery without the lease reclaim and dead-lettering of pull-5). No pending entry can
-- follow the largest ID, so the answer is empty; the group must still exist.
if ARGV[4] == '18446744073709551615-18446744073709551615' then
  sg_group(KEYS[1], ARGV[1])
  return {}
end
local count, budget = tonumber(ARGV[3]), tonumber(ARGV[5])
local after, out, total = ARGV[4], {}, 0
for _ = 1, count do
  local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], after)
  local e = read and read[1][2][1]
  if not e then break end
  total = total + sg_push_counted(out, KEYS[1], ARGV[1], e)
  after = e[1]
  if total >= budget then break end
end
return out
