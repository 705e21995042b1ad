package io.privateendpoint.operator.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin controller: hands the resource to the {@link ReconcilePipeline} and writes the status only
 * when it changed, so a steady-state resync makes no write.
 */
@ControllerConfiguration(name = KafkaPrivateEndpointReconciler.NAME)
public class KafkaPrivateEndpointReconciler implements Reconciler<KafkaPrivateEndpoint> {

  public static final String NAME = "kafkaprivateendpoint";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaPrivateEndpointReconciler.class);

  private final ReconcilePipeline pipeline;

  public KafkaPrivateEndpointReconciler(ReconcilePipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public UpdateControl<KafkaPrivateEndpoint> reconcile(KafkaPrivateEndpoint resource, Context<KafkaPrivateEndpoint> context) {
    KafkaPrivateEndpointStatus status = pipeline.run(resource);
    return withStatus(resource, status);
  }

  @Override
  public ErrorStatusUpdateControl<KafkaPrivateEndpoint> updateErrorStatus(KafkaPrivateEndpoint resource,
      Context<KafkaPrivateEndpoint> context, Exception error) {
    LOG.warn("reconcile of {}/{} failed", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), error);
    resource.setStatus(pipeline.statusFactory().failed(resource, error));
    return ErrorStatusUpdateControl.patchStatus(resource);
  }

  private static UpdateControl<KafkaPrivateEndpoint> withStatus(KafkaPrivateEndpoint resource, KafkaPrivateEndpointStatus status) {
    if (Objects.equals(resource.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    resource.setStatus(status);
    return UpdateControl.patchStatus(resource);
  }
}
