--[[ reap-2: reap idle consumers of one group: release each one's pending messages for
prompt redelivery, then delete it. Each consumer is re-checked here, so one that became
active since the caller listed it is left alone; several gateways may reap at once.

Released means: claimed (XCLAIM ... JUSTID RETRYCOUNT, so the delivery count is kept) by
the reserved consumer ARGV[2], with an idle time of at least the lease, so the next pull of
the group (its lease walker) redelivers them with deliveryCount + 1, or dead-letters them
past maxDeliveries. Never XGROUP DELCONSUMER with pending entries: that drops them from the
pending list, and they would be lost. An entry deleted from the stream is dropped from the
pending list by XCLAIM, as the lease walker would (there is nothing left to deliver).

KEYS[1] stream
KEYS[2] policy hash of the stream
ARGV[1] group, ARGV[2] reserved consumer name
ARGV[3] default leaseMs (for a group without a stored policy)
ARGV[4] budget: most pending entries to release in this call (bounds the script's time)
ARGV[5..] consumers to reap

Returns {state, results}
  state    'OFF' when the group does not reap now (then results is empty), else 'OK'
  results  flat {consumer, status, released, dropped, ...}, status one of
           'reaped'  idle past max(reapIdleMs, leaseMs): pending released, consumer deleted
           'partial' the budget ran out: some released, the consumer still exists
           'kept'    not idle long enough (active again), or the reserved consumer with pending
           'cleared' the reserved consumer, with nothing pending, deleted
           'absent'  no such consumer (another gateway reaped it first)
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
local stream, group, reserved = KEYS[1], ARGV[1], ARGV[2]
local budget = tonumber(ARGV[4])
sg_stream(stream)
local lease, _, _, reap = sg_policy(KEYS[2], group, ARGV[3], 0, '')
if reap == 0 or lease == 0 then return { 'OFF', {} } end
local threshold = math.max(reap, lease)

-- XINFO CONSUMERS is the only per-consumer idle time Redis 7.0 has (no `inactive`); it
-- raises NOGROUP for a missing group. Neither it nor XPENDING refreshes a consumer's idle.
local known = {}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  known[sg_field(c, 'name')] = { idle = sg_field(c, 'idle') }
end

local out = {}
local function result(name, status, released, dropped)
  out[#out + 1] = name
  out[#out + 1] = status
  out[#out + 1] = released
  out[#out + 1] = dropped
end

for i = 5, #ARGV do
  local name = ARGV[i]
  local c = known[name]
  if c == nil then
    result(name, 'absent', 0, 0)
  elseif name == reserved then
    -- Asked now, not from the listing above: consumers reaped earlier in this same call
    -- may have just released entries to it, and DELCONSUMER would drop them.
    if #redis.call('XPENDING', stream, group, '-', '+', 1, name) == 0 then
      redis.call('XGROUP', 'DELCONSUMER', stream, group, name)
      result(name, 'cleared', 0, 0)
    else
      result(name, 'kept', 0, 0)
    end
  elseif c.idle < threshold then
    result(name, 'kept', 0, 0)
  else
    local released, dropped, empty = 0, 0, false
    while budget > 0 do
      -- Claimed entries leave the consumer's list, so each page starts at the beginning.
      local page = redis.call('XPENDING', stream, group, '-', '+', math.min(budget, 100), name)
      if #page == 0 then
        empty = true
        break
      end
      for _, p in ipairs(page) do
        local id, idle, deliveries = p[1], p[3], p[4]
        local claimed = redis.call('XCLAIM', stream, group, reserved, 0, id,
          'IDLE', math.max(idle, lease), 'RETRYCOUNT', deliveries, 'JUSTID')
        if #claimed > 0 then released = released + 1 else dropped = dropped + 1 end
        budget = budget - 1
      end
    end
    -- An empty page already said so; else (the budget ran out) ask.
    if empty or #redis.call('XPENDING', stream, group, '-', '+', 1, name) == 0 then
      redis.call('XGROUP', 'DELCONSUMER', stream, group, name)
      result(name, 'reaped', released, dropped)
    else
      result(name, 'partial', released, dropped)
    end
  end
end
return { 'OK', out }
