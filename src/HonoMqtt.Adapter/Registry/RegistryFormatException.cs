namespace HonoMqtt.Adapter.Registry;

/// <summary>A registry file that cannot be used; <see cref="Errors"/> lists every problem found.</summary>
public sealed class RegistryFormatException(IReadOnlyList<string> errors)
    : Exception("invalid registry: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
