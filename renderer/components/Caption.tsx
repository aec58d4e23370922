// A caption with the lemmas it matched highlighted (components/highlight.ts finds them as the matcher did).
import { captionParts } from './highlight.ts';

export function Caption({ text, lemmas, className }: { text: string; lemmas: readonly string[]; className?: string }) {
  return (
    <span className={className}>
      {captionParts(text, lemmas).map((p, i) =>
        p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </span>
  );
}
