--[[ leaseProbe-4: whether a group has an entry due for redelivery (an expired lease whose
backoff has passed and whose nack delay, if any, is over), for the waiting pulls' probe
(watcher.ts), at a bounded cost whatever the pending list's size, as pull-5 looks.

KEYS[1] stream
KEYS[2] lease-walk cursor of the group (keys.leaseCursor), shared with pull-5
KEYS[3] policy hash of the stream (its backoff; its lease, else ARGV[2])
KEYS[4] nack delays of the stream (keys.nackDelays)
ARGV[1] group, ARGV[2] leaseMs (> 0: the lease the waiting pulls were told)
ARGV[3] lease walk step, ARGV[4] full walk (as pull-5's ARGV[9] and ARGV[10])

Returns 1 when a due entry was found (a pending list longer than ARGV[4] is walked one
step from the cursor, which then stops just before that entry, so the pull this wakes finds
it first), else 0. Changes nothing else (a nack delay past its time is left for the pull).
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
local stream, group = KEYS[1], ARGV[1]
sg_stream(stream)
local pending = redis.call('XPENDING', stream, group)[1]
if pending == 0 then return 0 end
local lease, _, _, _, _, min_backoff, max_backoff = sg_policy(KEYS[3], group, ARGV[2], 0, '')
if lease == 0 then return 0 end
local due = sg_redelivery(KEYS[4], group, lease, min_backoff, max_backoff, false)
if pending <= tonumber(ARGV[4]) then
  local min_idle = lease + sg_backoff(min_backoff, max_backoff, 1)
  -- Backoff off and no delays (the common case): the first expired entry is due.
  if min_idle == lease and redis.call('EXISTS', KEYS[4]) == 0 then
    return #redis.call('XPENDING', stream, group, 'IDLE', lease, '-', '+', 1)
  end
  local start = '-'
  while true do
    local page = redis.call('XPENDING', stream, group, 'IDLE', min_idle, start, '+', 100)
    for _, p in ipairs(page) do
      if due(p[1], p[3], p[4]) then return 1 end
      start = '(' .. p[1]
    end
    if #page < 100 then return 0 end
  end
end
local found = 0
sg_lease_walk(stream, group, KEYS[2], tonumber(ARGV[3]), function(id, _, idle, deliveries)
  if due(id, idle, deliveries) then
    found = 1
    return false
  end
  return true
end)
return found
