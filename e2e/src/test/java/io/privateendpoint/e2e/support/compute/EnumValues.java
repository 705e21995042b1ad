package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * compute.proto keeps enum-like fields as strings ("Check the LoadBalancingScheme enum for the list
 * of possible values") next to a nested enum named after the field (LoadBalancingScheme, or
 * IPProtocolEnum for I_p_protocol). That enum is the allowed set: a value outside it — a typo such as
 * "INTERANL" — is a 400 here as in Compute.
 */
final class EnumValues {

  private EnumValues() {}

  static void check(Message message, String at) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      String name = at + "." + field.getJsonName();
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
        if (field.isRepeated()) {
          List<?> items = (List<?>) e.getValue();
          for (int i = 0; i < items.size(); i++) {
            check((Message) items.get(i), name + "[" + i + "]");
          }
        } else {
          check((Message) e.getValue(), name);
        }
      } else if (field.getType() == FieldDescriptor.Type.STRING && !field.isRepeated()) {
        EnumDescriptor allowed = enumOf(message.getDescriptorForType(), field);
        String value = (String) e.getValue();
        if (allowed != null && !isValue(allowed, value)) {
          throw ComputeError.invalidField(name, value, "Must be one of " + values(allowed));
        }
      }
    }
  }

  static EnumDescriptor enumOf(Descriptor type, FieldDescriptor field) {
    StringBuilder camel = new StringBuilder();
    for (String part : field.getName().split("_")) {
      if (!part.isEmpty()) {
        camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    EnumDescriptor found = type.findEnumTypeByName(camel.toString());
    return found != null ? found : type.findEnumTypeByName(camel + "Enum");
  }

  private static boolean isValue(EnumDescriptor type, String value) {
    EnumValueDescriptor v = type.findValueByName(value);
    return v != null && v.getNumber() != 0; // 0 is the generator's UNDEFINED_... placeholder
  }

  private static List<String> values(EnumDescriptor type) {
    return type.getValues().stream().filter(v -> v.getNumber() != 0).map(EnumValueDescriptor::getName).toList();
  }
}
