package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages of compute.proto by descriptor, as their generated classes (so handlers may cast to
 * ServiceAttachment and tests get typed resources), and their JSON as Compute prints it.
 */
final class Messages {

  private static final Map<Descriptor, Message> DEFAULTS = new ConcurrentHashMap<>();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private Messages() {}

  static Message.Builder newBuilder(Descriptor type) {
    return defaultInstance(type).newBuilderForType();
  }

  static Message defaultInstance(Descriptor type) {
    return DEFAULTS.computeIfAbsent(type, Messages::generatedDefault);
  }

  private static Message generatedDefault(Descriptor type) {
    try {
      Class<?> generated = Class.forName(className(type));
      return (Message) generated.getMethod("getDefaultInstance").invoke(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return DynamicMessage.getDefaultInstance(type);
    }
  }

  private static String className(Descriptor type) {
    StringBuilder name = new StringBuilder(type.getName());
    for (Descriptor outer = type.getContainingType(); outer != null; outer = outer.getContainingType()) {
      name.insert(0, outer.getName() + "$");
    }
    String pkg = type.getFile().getOptions().getJavaPackage();
    if (!type.getFile().getOptions().getJavaMultipleFiles()) {
      throw new IllegalStateException("compute.proto is java_multiple_files; " + type.getFullName() + " is not");
    }
    return pkg + "." + name;
  }

  /** The same message as its generated class, whatever it was built as. */
  static Message generated(Message message) {
    Message prototype = defaultInstance(message.getDescriptorForType());
    if (prototype.getClass() == message.getClass()) {
      return message;
    }
    try {
      return prototype.getParserForType().parseFrom(message.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static String json(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A singular field's value if the field exists and is set, else null. */
  static Object get(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    if (field == null || field.isRepeated() || !message.hasField(field)) {
      return null;
    }
    return message.getField(field);
  }

  static String string(Message message, String name) {
    Object value = get(message, name);
    return value instanceof String s ? s : "";
  }

  /** Sets a field if the type has it; Compute types differ in which server fields they carry. */
  static void setIfPresent(Message.Builder builder, String name, Object value) {
    FieldDescriptor field = builder.getDescriptorForType().findFieldByName(name);
    if (field != null && !field.isRepeated()) {
      builder.setField(field, value);
    }
  }

  static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /** NetworkEndpointGroup → network_endpoint_group, as Compute names kinds in its messages. */
  static String snake(String typeName) {
    return typeName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
  }
}
