namespace Warden.Edge;

/// <summary>The agent's command-line options are invalid, or the agent cannot start with them; the message says why.</summary>
public sealed class EdgeOptionsException : Exception
{
    public EdgeOptionsException()
    {
    }

    public EdgeOptionsException(string message)
        : base(message)
    {
    }

    public EdgeOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
