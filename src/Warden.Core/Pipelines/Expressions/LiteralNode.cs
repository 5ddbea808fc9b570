namespace Warden.Core.Pipelines.Expressions;

/// <summary>A number (double), string or boolean written in the text.</summary>
internal sealed record LiteralNode(SourcePosition Position, object Value, ExpressionType Type) : ExpressionNode(Position)
{
    public override int Height => 1;
}
