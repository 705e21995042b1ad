package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The part of Compute's list filter language the fake implements exactly: {@code field = value},
 * {@code field != value} (literal comparison), {@code field eq regex}, {@code field ne regex} (the
 * regex must match the whole value), on singular fields by JSON name, nested with dots, labels as
 * {@code labels.KEY}; several expressions in parentheses, joined by AND or by juxtaposition. Values
 * may be quoted. Anything else (OR, :, <, wildcards, repeated fields) is a 400, never a filter
 * silently ignored.
 */
final class ListFilter {

  private ListFilter() {}

  static Predicate<Message> parse(String filter, Descriptor type) {
    if (filter.isBlank()) {
      return m -> true;
    }
    List<String> expressions = new ArrayList<>();
    String rest = filter.strip();
    if (!rest.startsWith("(")) {
      expressions.add(rest);
    } else {
      while (!rest.isEmpty()) {
        if (!rest.startsWith("(")) {
          throw unsupported(filter, "expected '(' at '" + rest + "'");
        }
        int close = closing(rest, filter);
        expressions.add(rest.substring(1, close).strip());
        rest = rest.substring(close + 1).strip();
        if (rest.startsWith("AND ") || rest.startsWith("AND(")) {
          rest = rest.substring(3).strip();
        } else if (rest.startsWith("OR ") || rest.startsWith("OR(")) {
          throw unsupported(filter, "OR");
        }
      }
    }
    Predicate<Message> all = m -> true;
    for (String e : expressions) {
      all = all.and(expression(e, filter, type));
    }
    return all;
  }

  private static int closing(String text, String filter) {
    boolean quoted = false;
    char quote = 0;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        quoted = c != quote;
      } else if (c == '"' || c == '\'') {
        quoted = true;
        quote = c;
      } else if (c == '(') {
        throw unsupported(filter, "nested parentheses");
      } else if (c == ')') {
        return i;
      }
    }
    throw unsupported(filter, "unbalanced parentheses");
  }

  private static Predicate<Message> expression(String expression, String filter, Descriptor type) {
    String[] parts = expression.split("\\s+", 3);
    if (parts.length != 3) {
      throw unsupported(filter, "expected 'field operator value' in '" + expression + "'");
    }
    String field = parts[0];
    String op = parts[1];
    String value = unquote(parts[2], filter);
    List<String> path = List.of(field.split("\\."));
    resolveType(path, type, filter);
    return switch (op) {
      case "=", "!=" -> {
        if (value.contains("*")) {
          throw unsupported(filter, "wildcards");
        }
        boolean equal = op.equals("=");
        yield m -> Objects.equals(valueAt(m, path), value) == equal;
      }
      case "eq", "ne" -> {
        Pattern regex;
        try {
          regex = Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          throw ComputeError.invalid("Invalid list filter expression '" + filter + "': bad regular expression " + value);
        }
        boolean equal = op.equals("eq");
        yield m -> {
          String actual = valueAt(m, path);
          return (actual != null && regex.matcher(actual).matches()) == equal;
        };
      }
      default -> throw unsupported(filter, "operator " + op);
    };
  }

  private static String unquote(String value, String filter) {
    String v = value.strip();
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
      if (v.charAt(v.length() - 1) != v.charAt(0)) {
        throw unsupported(filter, "unterminated quote");
      }
      return v.substring(1, v.length() - 1);
    }
    if (v.contains(" ")) {
      throw unsupported(filter, "unquoted value with spaces: " + v);
    }
    return v;
  }

  /** Checks the field path exists, so a misspelt field is a 400 rather than a filter matching nothing. */
  private static void resolveType(List<String> path, Descriptor type, String filter) {
    Descriptor current = type;
    for (int i = 0; i < path.size(); i++) {
      FieldDescriptor f = byJsonName(current, path.get(i));
      if (f == null) {
        throw ComputeError.invalid("Invalid list filter expression '" + filter + "': no field '" + path.get(i) + "' in "
            + current.getName());
      }
      if (f.isMapField()) {
        if (i != path.size() - 2) {
          throw unsupported(filter, "map fields are filtered as " + path.get(i) + ".KEY");
        }
        return;
      }
      if (f.isRepeated()) {
        throw unsupported(filter, "repeated field " + path.get(i));
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (i == path.size() - 1) {
          throw unsupported(filter, "comparing a whole message " + path.get(i));
        }
        current = f.getMessageType();
      } else if (i != path.size() - 1) {
        throw ComputeError.invalid("Invalid list filter expression '" + filter + "': " + path.get(i) + " has no fields");
      }
    }
  }

  private static String valueAt(Message message, List<String> path) {
    Message current = message;
    for (int i = 0; i < path.size(); i++) {
      FieldDescriptor f = byJsonName(current.getDescriptorForType(), path.get(i));
      if (f.isMapField()) {
        return ServerFields.labelsOfField(current, f).get(path.get(i + 1));
      }
      Object value = current.getField(f);
      if (i == path.size() - 1) {
        return String.valueOf(value instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e ? e.getName() : value);
      }
      current = (Message) value;
    }
    return null;
  }

  private static FieldDescriptor byJsonName(Descriptor type, String name) {
    return type.getFields().stream().filter(f -> f.getJsonName().equals(name)).findFirst().orElse(null);
  }

  private static ComputeError unsupported(String filter, String what) {
    return ComputeError.invalid("Invalid list filter expression '" + filter + "': " + what
        + " is not implemented by the Compute fake (it implements =, !=, eq, ne, parentheses and AND)");
  }
}
