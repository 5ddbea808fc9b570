namespace Warden.Core.Pipelines.Expressions;

/// <summary>A variable, possibly dotted (<c>sensitive.race</c>).</summary>
internal sealed record IdentifierNode(SourcePosition Position, string Name) : ExpressionNode(Position)
{
    public override int Height => 1;
}
