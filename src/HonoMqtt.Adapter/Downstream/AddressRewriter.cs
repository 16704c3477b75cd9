using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HonoMqtt.Adapter.Downstream;

/// <summary>
/// Hono's <c>addressRewriteRule</c>: <c>"$PATTERN $REPLACEMENT"</c>; an address matching the pattern is replaced
/// (Java regex replacement syntax, <c>$1</c> groups). Example for RabbitMQ:
/// <c>"^(.*)$ /queue/$1"</c> combined with percent-encoding, see <see cref="Rewrite"/>.
/// </summary>
public sealed class AddressRewriter
{
    private readonly Regex _pattern;
    private readonly string _replacement;

    private AddressRewriter(Regex pattern, string replacement)
    {
        _pattern = pattern;
        _replacement = replacement;
    }

    public static AddressRewriter Identity { get; } = new(new Regex("(?!)"), string.Empty);

    public static bool TryCreate(string rule, [NotNullWhen(true)] out AddressRewriter? rewriter, [NotNullWhen(false)] out string? error)
    {
        rewriter = null;
        var parts = rule.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            error = "expected \"$PATTERN $REPLACEMENT\"";
            return false;
        }

        try
        {
            rewriter = new AddressRewriter(new Regex(parts[0], RegexOptions.CultureInvariant), parts[1].Trim());
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Rewrites an address. In the replacement, <c>${enc:N}</c> inserts group N percent-encoded
    /// (so <c>"^(.*)$ /queue/${enc:1}"</c> gives RabbitMQ's <c>/queue/telemetry%2FTENANT</c>).
    /// </summary>
    public string Rewrite(string address)
    {
        var match = _pattern.Match(address);
        if (!match.Success)
        {
            return address;
        }

        var expanded = Regex.Replace(_replacement, @"\$\{enc:(\d+)\}", m =>
            Uri.EscapeDataString(match.Groups[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)].Value));
        return string.Concat(address.AsSpan(0, match.Index), match.Result(expanded), address.AsSpan(match.Index + match.Length));
    }
}
