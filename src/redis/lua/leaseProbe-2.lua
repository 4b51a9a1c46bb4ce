--[[ leaseProbe-2: whether a group has an expired lease, for the waiting pulls' probe
(watcher.ts), at a bounded cost whatever the pending list's size, as pull-4 looks.

KEYS[1] stream
KEYS[2] lease-walk cursor of the group (keys.leaseCursor), shared with pull-4
ARGV[1] group, ARGV[2] leaseMs (> 0)
ARGV[3] lease walk step, ARGV[4] full walk (as pull-4's ARGV[9] and ARGV[10])

Returns 1 when an expired lease was found (a pending list longer than ARGV[4] is walked one
step from the cursor, which then stops just before the expired entry, so the pull this
wakes finds it first), else 0.
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
local stream, group = KEYS[1], ARGV[1]
local lease = tonumber(ARGV[2])
sg_stream(stream)
local pending = redis.call('XPENDING', stream, group)[1]
if pending == 0 then return 0 end
if pending <= tonumber(ARGV[4]) then
  return #redis.call('XPENDING', stream, group, 'IDLE', lease, '-', '+', 1)
end
local found = 0
sg_lease_walk(stream, group, KEYS[2], tonumber(ARGV[3]), function(_, _, idle)
  if idle >= lease then
    found = 1
    return false
  end
  return true
end)
return found
