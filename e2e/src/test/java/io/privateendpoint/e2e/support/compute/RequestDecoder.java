package io.privateendpoint.e2e.support.compute;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds an RPC's request message from a REST call the way Compute's front end binds it: path
 * variables into their fields, the JSON body into the rule's body field, query parameters into the
 * remaining fields. Strict where the front end is: an unknown or misspelled body field, a field
 * spelled by its proto name rather than its JSON name (I_p_protocol for IPProtocol), or an unknown
 * query parameter is a 400, never ignored.
 */
final class RequestDecoder {

  /**
   * Query parameters that are not request fields. gax-httpjson 2.76 sends none for Compute (no $alt,
   * no alt, no prettyPrint: checked against the real client), so none are accepted.
   */
  static final Set<String> SYSTEM_PARAMETERS = Set.of();

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private RequestDecoder() {}

  static Message decode(Route route, Map<String, String> variables, String rawQuery, String body) {
    Descriptor input = route.method().getInputType();
    Message.Builder request = Messages.newBuilder(input);
    Set<String> bound = new HashSet<>();
    variables.forEach((name, value) -> {
      FieldDescriptor field = input.findFieldByName(name);
      if (field == null) {
        throw new IllegalStateException(route.rpc() + ": path variable " + name + " is no request field");
      }
      request.setField(field, scalar(field, value));
      bound.add(name);
    });
    bindBody(route, request, body);
    if (route.body() != null) {
      bound.add(route.body().getName());
    }
    bindQuery(request, rawQuery, bound);
    return request.build();
  }

  private static void bindBody(Route route, Message.Builder request, String body) {
    boolean empty = body.isBlank();
    if (route.body() == null) {
      if (!empty && !body.strip().equals("{}")) {
        throw ComputeError.badRequest("Invalid JSON payload received. " + route.rpc() + " takes no request body");
      }
      return;
    }
    if (empty) {
      return;
    }
    Descriptor type = route.body().getMessageType();
    JsonElement json;
    try {
      json = JsonParser.parseString(body);
    } catch (JsonParseException e) {
      throw ComputeError.badRequest("Invalid JSON payload received. " + e.getMessage());
    }
    requireJsonNames(json, type, "resource");
    Message.Builder resource = Messages.newBuilder(type);
    try {
      PARSER.merge(body, resource);
    } catch (InvalidProtocolBufferException e) {
      throw ComputeError.badRequest("Invalid JSON payload received. " + e.getMessage());
    }
    request.setField(route.body(), resource.build());
  }

  /**
   * JsonFormat also accepts proto field names; Compute's front end knows only the JSON names, which
   * for fields like I_p_protocol (IPProtocol) or network_i_p (networkIP) are not the proto names.
   */
  private static void requireJsonNames(JsonElement json, Descriptor type, String at) {
    if (!json.isJsonObject()) {
      return;
    }
    JsonObject object = json.getAsJsonObject();
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      FieldDescriptor field = type.getFields().stream().filter(f -> f.getJsonName().equals(entry.getKey())).findFirst()
          .orElseThrow(() -> ComputeError.badRequest("Invalid JSON payload received. Unknown name \"" + entry.getKey()
              + "\" at '" + at + "': Cannot find field."));
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
        continue;
      }
      String inner = at + "." + field.getJsonName();
      if (field.isRepeated() && entry.getValue().isJsonArray()) {
        int i = 0;
        for (JsonElement item : entry.getValue().getAsJsonArray()) {
          requireJsonNames(item, field.getMessageType(), inner + "[" + i++ + "]");
        }
      } else {
        requireJsonNames(entry.getValue(), field.getMessageType(), inner);
      }
    }
  }

  private static void bindQuery(Message.Builder request, String rawQuery, Set<String> bound) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return;
    }
    Descriptor input = request.getDescriptorForType();
    Set<String> seen = new HashSet<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (SYSTEM_PARAMETERS.contains(name)) {
        continue;
      }
      FieldDescriptor field = input.getFields().stream().filter(f -> f.getJsonName().equals(name)).findFirst().orElse(null);
      if (field == null || bound.contains(field.getName()) || field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        throw ComputeError.badRequest("Invalid JSON payload received. Unknown name \"" + name
            + "\": Cannot bind query parameter. Field '" + name + "' could not be found in request message.");
      }
      if (field.isRepeated()) {
        request.addRepeatedField(field, scalar(field, value));
      } else if (!seen.add(name)) {
        throw ComputeError.badRequest("Invalid JSON payload received. Query parameter '" + name + "' given twice");
      } else {
        request.setField(field, scalar(field, value));
      }
    }
  }

  private static Object scalar(FieldDescriptor field, String value) {
    try {
      return switch (field.getJavaType()) {
        case STRING -> value;
        case INT -> Integer.parseInt(value);
        case LONG -> field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64
            ? Long.parseUnsignedLong(value) : Long.parseLong(value);
        case BOOLEAN -> switch (value) {
          case "true" -> true;
          case "false" -> false;
          default -> throw new NumberFormatException("not a bool");
        };
        case FLOAT -> Float.parseFloat(value);
        case DOUBLE -> Double.parseDouble(value);
        case ENUM -> {
          var v = field.getEnumType().findValueByName(value);
          if (v == null) {
            throw new NumberFormatException("no such value");
          }
          yield v;
        }
        default -> throw new NumberFormatException("cannot bind a " + field.getJavaType() + " from a URL");
      };
    } catch (NumberFormatException e) {
      throw ComputeError.badRequest("Invalid value at '" + field.getJsonName() + "' (" + field.getType() + "), \"" + value + "\"");
    }
  }
}
