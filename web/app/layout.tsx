import type { Metadata, Viewport } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: 'Claude Code Scheduler',
  description: 'Schedule and run Claude Code sessions',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
};

/**
 * Applies the stored theme before the first paint, so a dark-theme user never sees a white flash. The setting from
 * the server takes over once the dashboard has loaded.
 */
const THEME_SCRIPT = `try{var t=localStorage.getItem('ccs-theme');if(t==='light'||t==='dark'||t==='system')document.documentElement.dataset.theme=t;}catch(e){}`;

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" data-theme="system" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
