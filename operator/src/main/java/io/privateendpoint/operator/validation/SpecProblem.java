package io.privateendpoint.operator.validation;

/** One thing wrong with a spec: the field's path (as kubectl explain names it) and why. */
public record SpecProblem(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
