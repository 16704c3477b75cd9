namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// One <c>type=value</c> of a distinguished name. <paramref name="Text"/> is the value as Java reads a directory string
/// (its content bytes as UTF-8, whatever the string type, as <c>sun.security.x509.AVA</c> does), or null if the value is
/// not a string; <paramref name="EncodedValue"/> is the value's DER encoding (tag, length, content).
/// </summary>
public sealed record AttributeTypeAndValue(string Oid, string? Text, byte[] EncodedValue)
{
    // The universal string tags Java's AVA treats as directory strings [AVA.isDerString, non-canonical].
    internal static bool IsStringTag(byte tag) => tag is 0x13 or 0x14 or 0x16 or 0x1B or 0x0C or 0x1E or 0x1C;
}
