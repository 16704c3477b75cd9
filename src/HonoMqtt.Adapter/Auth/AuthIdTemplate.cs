using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// A trust anchor's <c>auth-id-template</c> [Hono IdentityTemplate]: <c>{{subject-dn}}</c> (RFC 2253),
/// <c>{{subject-cn}}</c>, <c>{{subject-ou}}</c>, <c>{{subject-o}}</c> (the first such attribute, least specific first).
/// Hono fills placeholders with Java's <c>String.replaceAll</c>, whose replacement text treats <c>\</c> and <c>$</c>
/// specially; that is reproduced, so that auth-ids match Hono's: a backslash (e.g. in <c>CN=a\,b</c>) is dropped, and a
/// <c>$</c> makes the template fail (Hono then refuses the credentials).
/// </summary>
public static partial class AuthIdTemplate
{
    public const string SubjectDn = "{{subject-dn}}";
    public const string SubjectCn = "{{subject-cn}}";
    public const string SubjectOu = "{{subject-ou}}";
    public const string SubjectO = "{{subject-o}}";

    private static readonly (string Placeholder, string Keyword)[] Attributes = [(SubjectCn, "CN"), (SubjectOu, "OU"), (SubjectO, "O")];

    /// <summary>Hono's <c>IdentityTemplate.checkValidity</c>: at least one placeholder, and only supported ones.</summary>
    public static bool IsValid(string template, [NotNullWhen(false)] out string? error)
    {
        var placeholders = Placeholder().Matches(template).Select(m => m.Value).ToList();
        var unsupported = placeholders.Where(p => p is not (SubjectDn or SubjectCn or SubjectOu or SubjectO)).ToList();
        error = placeholders.Count == 0 ? $"template '{template}' must contain at least one placeholder"
            : unsupported.Count > 0 ? $"template '{template}' contains unsupported placeholders {string.Join(", ", unsupported)}"
            : null;
        return error is null;
    }

    /// <summary>The auth-id, or null where Hono's <c>IdentityTemplate.apply</c> throws (missing attribute, <c>$</c> …).</summary>
    public static string? Apply(string template, DistinguishedName subject)
    {
        if (!IsValid(template, out _) || !TryReplaceAll(template, SubjectDn, subject.ToRfc2253(), out var result))
        {
            return null;
        }

        foreach (var (placeholder, keyword) in Attributes)
        {
            if (!result.Contains(placeholder, StringComparison.Ordinal))
            {
                continue;
            }

            if (subject.FirstValue(keyword) is not { Length: > 0 } value || !TryReplaceAll(result, placeholder, value, out result))
            {
                return null;
            }
        }

        return result;
    }

    /// <summary><c>text.replaceAll(Pattern.quote(placeholder), replacement)</c>, with Java's replacement syntax.</summary>
    private static bool TryReplaceAll(string text, string placeholder, string replacement, [NotNullWhen(true)] out string? result)
    {
        result = text;
        if (!text.Contains(placeholder, StringComparison.Ordinal))
        {
            return true;   // Java parses the replacement only for a match
        }

        var expanded = new StringBuilder(replacement.Length);
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '\\')
            {
                if (++i == replacement.Length)
                {
                    result = null;
                    return false;   // "character to be escaped is missing"
                }

                expanded.Append(replacement[i]);
            }
            else if (c == '$')
            {
                // The quoted pattern has no groups: "$0" is the match itself, any other reference fails.
                if (++i == replacement.Length || replacement[i] != '0')
                {
                    result = null;
                    return false;
                }

                expanded.Append(placeholder);
            }
            else
            {
                expanded.Append(c);
            }
        }

        result = text.Replace(placeholder, expanded.ToString(), StringComparison.Ordinal);
        return true;
    }

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Placeholder();
}
