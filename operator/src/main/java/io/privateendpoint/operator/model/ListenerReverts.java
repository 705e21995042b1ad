package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * The operator's memory of a fight over its listener: someone else keeps reverting what it wrote
 * (GitOps self-heal, a helm upgrade). Kept in the status so that the back-off survives a restart.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ListenerReverts {

  @JsonPropertyDescription("How many times the operator has written the reverted listener back since the fight began.")
  @Min(0)
  @Max(1000000)
  private Integer count;

  @JsonPropertyDescription("When the operator last wrote the listener back (RFC 3339).")
  @Size(max = 64)
  private String lastWrittenBackAt;

  @JsonPropertyDescription("Who reverted it: the field manager of the other writer, from the resource's managedFields.")
  @Size(max = 256)
  private String by;

  @JsonPropertyDescription("While backing off: when the operator writes the listener back next (RFC 3339).")
  @Size(max = 64)
  private String nextWriteBackAt;

  public ListenerReverts() {}

  public ListenerReverts(Integer count, String lastWrittenBackAt, String by, String nextWriteBackAt) {
    this.count = count;
    this.lastWrittenBackAt = lastWrittenBackAt;
    this.by = by;
    this.nextWriteBackAt = nextWriteBackAt;
  }

  public Integer getCount() { return count; }
  public void setCount(Integer count) { this.count = count; }
  public String getLastWrittenBackAt() { return lastWrittenBackAt; }
  public void setLastWrittenBackAt(String lastWrittenBackAt) { this.lastWrittenBackAt = lastWrittenBackAt; }
  public String getBy() { return by; }
  public void setBy(String by) { this.by = by; }
  public String getNextWriteBackAt() { return nextWriteBackAt; }
  public void setNextWriteBackAt(String nextWriteBackAt) { this.nextWriteBackAt = nextWriteBackAt; }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListenerReverts that
        && Objects.equals(count, that.count)
        && Objects.equals(lastWrittenBackAt, that.lastWrittenBackAt)
        && Objects.equals(by, that.by)
        && Objects.equals(nextWriteBackAt, that.nextWriteBackAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, lastWrittenBackAt, by, nextWriteBackAt);
  }

  @Override
  public String toString() {
    return "ListenerReverts{count=" + count + ", lastWrittenBackAt=" + lastWrittenBackAt + ", by=" + by
        + ", nextWriteBackAt=" + nextWriteBackAt + "}";
  }
}
