/** jest-dom's matchers (toBeInTheDocument, toHaveAttribute, …) for every test. */
import '@testing-library/jest-dom';
