namespace HonoMqtt.Adapter.Protocol;

public static class ContentTypes
{
    public const string OctetStream = "application/octet-stream";
    public const string EmptyNotification = "application/vnd.eclipse-hono-empty-notification";
    public const string ConnectionNotification = "application/vnd.eclipse-hono-dc-notification+json";
}
