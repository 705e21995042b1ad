package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in leader election, for JOSDK's LeaderElectionConfiguration and for /readyz.
 * JOSDK starts reconciling when this replica takes the Lease and exits the process when it loses it
 * (exitOnStopLeading), so two replicas never reconcile at once: the pod restarts as a standby.
 */
final class Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final OperatorSettings.LeaderElection settings;
  private volatile boolean leading;
  private volatile String leader;

  Leadership(OperatorSettings.LeaderElection settings) {
    this.settings = settings;
  }

  /** Empty when election is off: JOSDK then reconciles as soon as it starts. */
  Optional<LeaderElectionConfiguration> configuration() {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    // JOSDK's defaults: a 15 s lease, renewed within 10 s, retried every 2 s. A standby takes over at
    // most a lease duration (plus a retry) after the leader last renewed.
    return Optional.of(new LeaderElectionConfiguration(settings.leaseName(), settings.namespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, settings.identity(), callbacks(), true));
  }

  private LeaderCallbacks callbacks() {
    return new LeaderCallbacks(() -> {
      leading = true;
      LOG.info("{} holds Lease {}/{}: reconciling", settings.identity(), settings.namespace(), settings.leaseName());
    }, () -> leading = false, id -> leader = id);
  }

  String describe() {
    if (!settings.enabled()) {
      return "no leader election";
    }
    return leading ? "leader " + settings.identity()
        : "standby " + settings.identity() + ", leader " + (leader != null ? leader : "not known yet");
  }
}
