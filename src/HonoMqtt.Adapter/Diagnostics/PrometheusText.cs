using System.Globalization;
using System.Text;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// Prometheus text exposition format 0.0.4, written the way Micrometer's Prometheus registry writes it: label names
/// with <c>_</c> for <c>-</c> and <c>.</c> (<c>component-type</c> → <c>component_type</c>), labels sorted by name,
/// values as Java prints doubles (<c>1.0</c>).
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Header(StringBuilder output, string name, string type, string help)
    {
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample; <paramref name="labels"/> need not be sorted and may use Hono's tag names.</summary>
    public static void Sample(StringBuilder output, string name, IEnumerable<(string Name, string Value)> labels, double value)
    {
        output.Append(name);
        var first = true;
        foreach (var (label, labelValue) in labels.Select(l => (LabelName(l.Name), l.Value)).OrderBy(l => l.Item1, StringComparer.Ordinal))
        {
            output.Append(first ? '{' : ',').Append(label).Append("=\"");
            AppendEscaped(output, labelValue);
            output.Append('"');
            first = false;
        }

        if (!first)
        {
            output.Append('}');
        }

        output.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>Micrometer's PrometheusNamingConvention for tag keys: anything but <c>[a-zA-Z0-9_]</c> becomes <c>_</c>.</summary>
    public static string LabelName(string tagKey)
    {
        var chars = tagKey.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_'))
            {
                chars[i] = '_';
            }
        }

        return chars.Length > 0 && char.IsAsciiDigit(chars[0]) ? "m_" + new string(chars) : new string(chars);
    }

    public static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        // Java's Double.toString prints integral values with ".0"; Prometheus accepts either, dashboards don't care,
        // but the output then reads exactly like Hono's.
        return value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("0.0", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void AppendEscaped(StringBuilder output, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    output.Append("\\\\");
                    break;
                case '"':
                    output.Append("\\\"");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }
    }
}
