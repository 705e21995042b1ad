package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.Operation;
import com.google.protobuf.Message;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Operation every change answers with, already DONE: the fake applies changes synchronously.
 * Stored under projects/P/{global,regions/R,zones/Z}/operations/NAME — the scope of the changed
 * resource, where the client polls (RegionOperations/GlobalOperations/ZoneOperations.Get) when an
 * operation is not DONE. The real client does not poll a DONE one: insertAsync(...).get() completes
 * on the first answer.
 */
final class Operations {

  private final ResourceStore store;
  private final ServerFields serverFields;
  private final AtomicLong sequence = new AtomicLong();

  Operations(ResourceStore store, ServerFields serverFields) {
    this.store = store;
    this.serverFields = serverFields;
  }

  /** {@code type} is Compute's operationType: insert, delete, patch, update, setLabels, attachNetworkEndpoints... */
  Operation done(String type, ResourcePath target, Message targetResource) {
    String name = "operation-" + System.currentTimeMillis() + "-" + Long.toHexString(sequence.incrementAndGet());
    ResourcePath path = new ResourcePath(target.project(), target.scope(), ResourceStore.OPERATIONS, name);
    String now = ServerFields.now();
    Operation.Builder op = Operation.newBuilder().setKind("compute#operation").setId(serverFields.nextId()).setName(name)
        .setOperationType(type).setStatus(Operation.Status.DONE).setProgress(100).setTargetLink(target.selfLink())
        .setSelfLink(path.selfLink()).setInsertTime(now).setStartTime(now).setEndTime(now).setUser("compute-fake@example.com");
    Object id = targetResource == null ? null : Messages.get(targetResource, "id");
    if (id instanceof Long l) {
      op.setTargetId(l);
    }
    if (target.zone() != null) {
      op.setZone(target.scopeUrl());
    } else if (!target.global()) {
      op.setRegion(target.scopeUrl());
    }
    Operation operation = op.build();
    store.put(path, operation);
    return operation;
  }
}
