// A file or folder path shown in full (selectable, monospace) with a button that copies it.
import { useState } from 'react';

export function CopyPath({ path, label }: { path: string; label?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(path);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused (an insecure origin, no permission): the path stays selectable.
      setCopied('no');
    }
    setTimeout(() => setCopied(null), 1500);
  };
  return (
    <span className="copy-path">
      {label && <span className="muted small-text">{label}</span>}
      <code className="path-text" title={path}>
        {path}
      </code>
      <button className="btn small" onClick={copy} aria-label={`copy ${path}`}>
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select to copy' : 'Copy'}
      </button>
    </span>
  );
}
