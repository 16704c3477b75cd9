using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HonoMqtt.Cli;

/// <summary>Reading typed values from the parsed <c>--name value</c> pairs of a command line.</summary>
internal static class OptionValues
{
    /// <summary>True unless the option is present and not a number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool TryGetInt(Dictionary<string, string> values, string name, int min, int max, out int? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!values.TryGetValue(name, out var text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"{name} must be a number between {min} and {max} (was '{text}')";
            return false;
        }

        value = parsed;
        return true;
    }
}
