-- Argo CD health check for kafka.privateendpoint.io/KafkaPrivateEndpoint.
-- Runs under Argo CD's restricted Lua (no string library): only ==, tables and .. are used.
--
-- Healthy      Ready=True, and the status describes metadata.generation (status.observedGeneration,
--              else the Ready condition's observedGeneration).
-- Progressing  no status yet; the status is for an older generation; the resource is being
--              deleted; any condition that is Unknown (Blocked, NotReported) or False for a reason
--              below marked Progressing or not listed at all: the operator retries those by itself.
-- Suspended    Ready False with reason Paused: spec.paused holds the endpoint at preview; nothing is
--              applied until it is unpaused (status.plannedChanges lists what would be).
-- Degraded     a reason below marked Degraded: waiting alone will not fix it; the spec, the
--              operator's cloud access, or something the operator does not own must change.
--
-- Condition           Reason                                    Health
-- Ready               InvalidSpec                               Degraded     the spec is wrong (field named)
-- Ready               ReconcileError                            Degraded     the reconcile threw; retried with backoff
-- Ready               DeletionBlocked                           Degraded     restore cloud access or set deletionPolicy: Orphan
-- Ready               NotReady                                  the first component below that is not True decides
-- CloudAccess         NoCredentials, InvalidCredentials,
--                     AccessDenied, AwsRefused, VpcNotFound,
--                     NetworkNotFound, SpecMismatch             Degraded     SpecMismatch: a subnet, subnetwork or NAT
--                                                                            subnet the spec names is wrong (field named)
-- CloudAccess         Unreachable                               Progressing  network error; retried
-- ListenerConfigured  ListenerNameTaken, ConfigMapConflict,
--                     ProxyResourceConflict, ListenerConflict   Degraded     clash with something not this endpoint's
-- ListenerConfigured  BrokersShareNode, ZoneNotServed,
--                     PortRangeExhausted, AdvertisedAddressTooLong Degraded  brokers or spec must change
-- ListenerConfigured  ListenerFought                            Degraded     someone keeps reverting the listener; the
--                                                                            message names them and the two fixes
-- ListenerConfigured  RollingUpdate, RollingRestart, ProxyRollingOut,
--                     ListenerReverted, AwaitingExternal, NoBrokers, BrokerNotReady,
--                     KafkaNotFound, UpstreamUnreachable        Progressing  brokers roll or Kafka is still coming up
-- LoadBalancerReady,  AccessDenied, InvalidCredentials, NoCredentials,
-- EndpointServiceReady AwsRefused, QuotaExceeded, ComputeRefused, SubnetMismatch,
--                     SubnetNotFound, ForeignResource, ResourceNotOwned,
--                     ForwardingRuleMismatch, ServiceAttachmentMismatch,
--                     NatSubnetMismatch, NegTypeMismatch        Degraded     the cloud refused or a namesake is in the way
-- LoadBalancerReady,  Provisioning, Pending, WaitingForNodePorts Progressing the cloud converges
-- EndpointServiceReady
-- Verified            TargetSecurityGroupRuleMissing            Degraded     a node security-group rule the operator does not manage
-- Verified            AdvertisedMismatch, ListenerUnreachable,
--                     VerificationSecretUnavailable             Degraded     a broker advertises another name or port than
--                                                                            planned, or its listener cannot be asked
-- Verified            TargetsNotHealthy, EndpointsNotMapped     Progressing  targets register and pass health checks
-- any component       Throttled                                 Progressing  a cloud API kept throttling (or was
--                                                                            unavailable) through the SDK's retries;
--                                                                            the operator retries after a pause
-- any                 Unknown status (Blocked, NotReported)     Progressing
--
-- The message is the deciding condition's message, unchanged. While the resource is being deleted
-- Argo CD shows "Pending deletion" without running this script; it answers anyway (DeletionBlocked
-- is Degraded, any other delete Progressing) for `argocd admin settings resource-overrides health`.

local hs = {}

local degraded = {
  InvalidSpec = true, ReconcileError = true, DeletionBlocked = true,
  NoCredentials = true, InvalidCredentials = true, AccessDenied = true, AwsRefused = true, QuotaExceeded = true,
  VpcNotFound = true, NetworkNotFound = true, SpecMismatch = true, ComputeRefused = true,
  ListenerNameTaken = true, ConfigMapConflict = true, ProxyResourceConflict = true, ListenerConflict = true,
  ListenerFought = true,
  BrokersShareNode = true, ZoneNotServed = true, PortRangeExhausted = true, AdvertisedAddressTooLong = true,
  SubnetMismatch = true, SubnetNotFound = true, ForeignResource = true, ResourceNotOwned = true,
  ForwardingRuleMismatch = true, ServiceAttachmentMismatch = true, NatSubnetMismatch = true, NegTypeMismatch = true,
  TargetSecurityGroupRuleMissing = true,
  AdvertisedMismatch = true, ListenerUnreachable = true, VerificationSecretUnavailable = true
}

-- Ready=True exactly when all of these are; in the order of the data path, so the first one that
-- is not True is where the endpoint stands (the ones after it say they wait for it).
local components = { "CloudAccess", "ListenerConfigured", "LoadBalancerReady", "EndpointServiceReady", "Verified" }

local function described(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  if condition ~= nil and condition.reason ~= nil then
    return condition.type .. " is " .. tostring(condition.status) .. " (" .. condition.reason .. ")"
  end
  return fallback
end

local conditions = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type ~= nil then
      conditions[condition.type] = condition
    end
  end
end
local ready = conditions["Ready"]

if obj.metadata.deletionTimestamp ~= nil then
  if ready ~= nil and ready.reason == "DeletionBlocked" then
    hs.status = "Degraded"
    hs.message = described(ready, "the delete is blocked")
    return hs
  end
  hs.status = "Progressing"
  hs.message = "Pending deletion: the operator removes what this endpoint built"
  return hs
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local observed = obj.status.observedGeneration
if observed == nil then
  observed = ready.observedGeneration
end
local generation = obj.metadata.generation
if generation ~= nil and observed ~= generation then
  hs.status = "Progressing"
  if observed == nil then
    hs.message = "Waiting for the operator to observe generation " .. generation
  else
    hs.message = "Waiting for the operator to observe generation " .. generation .. " (status is for generation " .. observed .. ")"
  end
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = described(ready, "Ready")
  return hs
end

if ready.reason == "Paused" then
  hs.status = "Suspended"
  hs.message = described(ready, "Paused")
  return hs
end

if ready.reason ~= "NotReady" then
  -- InvalidSpec, ReconcileError: Ready alone speaks; the other conditions are kept from before.
  if degraded[ready.reason] then
    hs.status = "Degraded"
  else
    hs.status = "Progressing"
  end
  hs.message = described(ready, "Not ready")
  return hs
end

-- Anything degraded wins; else the first component on the data path that is not True.
local waiting = nil
for _, name in ipairs(components) do
  local condition = conditions[name]
  if condition ~= nil and condition.status ~= "True" then
    if condition.status == "False" and degraded[condition.reason] then
      hs.status = "Degraded"
      hs.message = described(condition, name)
      return hs
    end
    if waiting == nil then
      waiting = condition
    end
  end
end

hs.status = "Progressing"
hs.message = described(waiting, described(ready, "Not ready"))
return hs
