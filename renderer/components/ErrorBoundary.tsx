// Keeps one screen's rendering error from blanking the app: shows the cause and a way back.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode; name: string }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(prev: { name: string }) {
    if (prev.name !== this.props.name && this.state.error) this.setState({ error: null });
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="screen">
        <div className="error-box" role="alert">
          <strong>The {this.props.name} screen failed to draw</strong>
          <span>{this.state.error.message}</span>
          <span>
            <button className="btn small" onClick={() => this.setState({ error: null })}>
              Try again
            </button>
          </span>
        </div>
      </div>
    );
  }
}
